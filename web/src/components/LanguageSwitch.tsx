import { useId } from 'react';
import { type Language, kLanguages, useI18n } from '../i18n';

/** Chooses the interface language; the choice is remembered in this browser. */
export function LanguageSwitch() {
  const { language, m, setLanguage } = useI18n();
  const id = useId();
  return (
    <div className="language-switch">
      <label htmlFor={id} className="visually-hidden">
        {m.language.label}
      </label>
      <select id={id} value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
        {kLanguages.map((lang) => (
          <option key={lang.code} value={lang.code} lang={lang.code}>
            {lang.name}
          </option>
        ))}
      </select>
    </div>
  );
}
