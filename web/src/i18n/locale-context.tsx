import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { Locale } from '../../../common/api.js';
import { createTranslate, readStoredLocale, storeLocale, type Translate } from './translate';

interface LocaleState {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: Translate;
}

const LocaleContext = createContext<LocaleState | null>(null);

function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch (error) {
    console.warn('i18n.storage_unavailable', error);
    return undefined;
  }
}

/** Holds the interface language: French by default, the choice persisted, `<html lang>` kept in sync. */
export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => readStoredLocale(browserStorage()));

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    storeLocale(browserStorage(), next);
    setLocaleState(next);
  }, []);

  const value = useMemo(() => ({ locale, setLocale, t: createTranslate(locale) }), [locale, setLocale]);
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

function useLocaleState(): LocaleState {
  const state = useContext(LocaleContext);
  if (!state) throw new Error('useT/useLocale must be used inside <LocaleProvider>');
  return state;
}

/** The translation function for the current language. */
export function useT(): Translate {
  return useLocaleState().t;
}

export function useLocale(): { locale: Locale; setLocale: (locale: Locale) => void } {
  const { locale, setLocale } = useLocaleState();
  return { locale, setLocale };
}
