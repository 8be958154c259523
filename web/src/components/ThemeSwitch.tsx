import { useId, useState } from 'react';
import { useI18n } from '../i18n';
import { type Theme, applyTheme, kThemes, savedTheme } from '../theme/theme';

/** Chooses light, dark or the system's theme; the choice is remembered in this browser. */
export function ThemeSwitch() {
  const { m } = useI18n();
  const id = useId();
  const [theme, setTheme] = useState<Theme>(savedTheme);
  const choose = (next: Theme) => {
    setTheme(next);
    applyTheme(next, true);
  };
  return (
    <div className="theme-switch">
      <label htmlFor={id} className="visually-hidden">
        {m.theme.label}
      </label>
      <select
        id={id}
        value={theme}
        onChange={(e) => choose(kThemes.find((t) => t === e.target.value) ?? 'system')}
      >
        {kThemes.map((option) => (
          <option key={option} value={option}>
            {m.theme[option]}
          </option>
        ))}
      </select>
    </div>
  );
}
