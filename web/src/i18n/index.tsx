// A small i18n layer: one dictionary per language (en.ts is the reference, pt-BR.ts follows
// it), chosen from the saved choice or the browser's languages, switchable at run time.
// Components read texts with `const { m } = useI18n()`; no text is written inline in pages.
import {
  type ReactNode,
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { type Messages, en } from './en';
import { ptBR } from './pt-BR';

export type { Messages };
export type Language = 'en' | 'pt-BR';

export const kLanguages: { code: Language; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'pt-BR', name: 'Português (Brasil)' },
];

const kDictionaries: Record<Language, Messages> = { en, 'pt-BR': ptBR };
const kStorageKey = 'batuta.language';

function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'pt-BR';
}

/** The saved choice, else the first of the browser's languages we have, else English. */
export function initialLanguage(): Language {
  try {
    const saved = globalThis.localStorage?.getItem(kStorageKey);
    if (isLanguage(saved)) return saved;
  } catch {
    // Storage can be unavailable (privacy settings); the browser's languages still count.
  }
  const nav = globalThis.navigator;
  const wanted = nav?.languages?.length ? nav.languages : [nav?.language ?? 'en'];
  for (const tag of wanted) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('pt')) return 'pt-BR';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

interface I18n {
  language: Language;
  m: Messages;
  setLanguage: (language: Language) => void;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      globalThis.localStorage?.setItem(kStorageKey, next);
    } catch {
      // Not saved; the choice still holds until the page is reloaded.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo(
    () => ({ language, m: kDictionaries[language], setLanguage }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n needs an I18nProvider above it (see App.tsx)');
  return i18n;
}
