// The colour theme: the system's (prefers-color-scheme), or light or dark as chosen in the
// header. The choice is remembered in this browser and applied as <html data-theme="...">,
// which styles.css reads; "system" removes the attribute.
export type Theme = 'system' | 'light' | 'dark';

export const kThemes: readonly Theme[] = ['system', 'light', 'dark'];
const kStorageKey = 'batuta.theme';

function isTheme(value: unknown): value is Theme {
  return value === 'system' || value === 'light' || value === 'dark';
}

/** The saved choice, else "system". */
export function savedTheme(): Theme {
  try {
    const saved = globalThis.localStorage?.getItem(kStorageKey);
    if (isTheme(saved)) return saved;
  } catch {
    // Storage can be unavailable (privacy settings): follow the system.
  }
  return 'system';
}

/** Shows `theme` now; with `remember`, keeps it for the next visits too. */
export function applyTheme(theme: Theme, remember = false): void {
  const root = globalThis.document?.documentElement;
  if (root) {
    if (theme === 'system') {
      delete root.dataset.theme;
    } else {
      root.dataset.theme = theme;
    }
  }
  if (!remember) return;
  try {
    globalThis.localStorage?.setItem(kStorageKey, theme);
  } catch {
    // Not saved; the choice still holds until the page is reloaded.
  }
}
