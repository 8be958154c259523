import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { me } from '../test/fixtures';
import { errorResponse, jsonResponse, renderApp, stubApi } from '../test/helpers';
import { en } from './en';
import { initialLanguage } from './index';
import { ptBR } from './pt-BR';

function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => keysOf(inner, `${prefix}.${key}`));
}

describe('i18n', () => {
  it('has every English text in Portuguese too', () => {
    expect(keysOf(ptBR).sort()).toEqual(keysOf(en).sort());
  });

  it('follows the browser language unless a choice was saved', () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['pt-BR', 'en']);
    expect(initialLanguage()).toBe('pt-BR');
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['de-DE', 'en-GB']);
    expect(initialLanguage()).toBe('en');
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['fr']);
    expect(initialLanguage()).toBe('en');
    localStorage.setItem('batuta.language', 'pt-BR');
    expect(initialLanguage()).toBe('pt-BR');
  });

  it('switches the whole interface and remembers the choice', async () => {
    stubApi({
      'GET /api/v1/auth/me': () => jsonResponse(200, me('admin')),
      '/api/v1/version': () => jsonResponse(200, { name: 'batuta', version: '0.1.0' }),
      '/readyz': () => errorResponse(503, 'unavailable', 'migrations pending'),
    });
    renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Users' })).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'pt-BR' } });
    const navPt = await screen.findByRole('navigation', { name: 'Principal' });
    expect(within(navPt).getByRole('link', { name: 'Usuários' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sair' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('pt-BR');
    expect(localStorage.getItem('batuta.language')).toBe('pt-BR');
  });
});
