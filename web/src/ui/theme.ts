/**
 * Light or dark theme: the user's choice (remembered in this browser), or the system's by default.
 * The resolved theme is set on <html data-theme>, which the stylesheets read, so a manual choice
 * and the system preference go through one set of dark colours; the system's changes are followed
 * live while the choice is "system".
 */

export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'facteur.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export function readThemeChoice(): ThemeChoice {
  const stored = storage()?.getItem(KEY);
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

function resolve(choice: ThemeChoice): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return window.matchMedia?.(DARK_QUERY).matches ? 'dark' : 'light';
}

let current: ThemeChoice = 'system';

function apply(): void {
  const theme = resolve(current);
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

/** Applies the remembered choice and follows the system's theme; call once, before rendering. */
export function startTheme(): void {
  current = readThemeChoice();
  apply();
  window.matchMedia?.(DARK_QUERY).addEventListener('change', () => {
    if (current === 'system') apply();
  });
}

export function setThemeChoice(choice: ThemeChoice): void {
  current = choice;
  try {
    if (choice === 'system') storage()?.removeItem(KEY);
    else storage()?.setItem(KEY, choice);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
  apply();
}
