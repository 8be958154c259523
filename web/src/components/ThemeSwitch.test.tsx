import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { I18nProvider } from '../i18n';
import { applyTheme, savedTheme } from '../theme/theme';
import { ThemeSwitch } from './ThemeSwitch';

function renderSwitch() {
  return render(
    <I18nProvider>
      <ThemeSwitch />
    </I18nProvider>,
  );
}

describe('ThemeSwitch', () => {
  beforeEach(() => {
    localStorage.clear();
    localStorage.setItem('batuta.language', 'en');
    delete document.documentElement.dataset.theme;
  });
  afterEach(() => {
    delete document.documentElement.dataset.theme;
  });

  it('follows the system until a theme is chosen, then applies and remembers it', () => {
    renderSwitch();
    const select = screen.getByLabelText('Theme') as HTMLSelectElement;
    expect(select.value).toBe('system');
    expect(document.documentElement.dataset.theme).toBeUndefined();

    fireEvent.change(select, { target: { value: 'dark' } });
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem('batuta.theme')).toBe('dark');
    expect(savedTheme()).toBe('dark');

    fireEvent.change(select, { target: { value: 'system' } });
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(savedTheme()).toBe('system');
  });

  it('starts from the saved choice, in the page language', () => {
    localStorage.setItem('batuta.theme', 'light');
    localStorage.setItem('batuta.language', 'pt-BR');
    renderSwitch();
    const select = screen.getByLabelText('Tema') as HTMLSelectElement;
    expect(select.value).toBe('light');
    expect([...select.options].map((o) => o.textContent)).toEqual(['Tema do sistema', 'Tema claro', 'Tema escuro']);
  });

  it('ignores a saved value that is not a theme', () => {
    localStorage.setItem('batuta.theme', 'sepia');
    expect(savedTheme()).toBe('system');
    applyTheme(savedTheme());
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });
});
