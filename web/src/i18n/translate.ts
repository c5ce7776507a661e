import type { Locale } from '../../../common/api.js';
import { en } from './en';
import { type Catalogue, fr, type MessageId } from './fr';

export type { Catalogue, MessageId } from './fr';

export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { fr, en };
export const DEFAULT_LOCALE: Locale = 'fr';
/** localStorage key holding the chosen language (`fr` | `en`). */
export const LOCALE_STORAGE_KEY = 'facteur.locale';

export type MessageParams = Readonly<Record<string, string | number>>;
export type Translate = (id: MessageId, params?: MessageParams) => string;

/** Replaces `{name}` placeholders; an unknown placeholder is left visible rather than silently dropped. */
export function formatMessage(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export function createTranslate(locale: Locale): Translate {
  const catalogue = CATALOGUES[locale];
  return (id, params) => formatMessage(catalogue[id], params);
}

export function isLocale(value: unknown): value is Locale {
  return value === 'fr' || value === 'en';
}

/** The stored language, or French. Storage may be unavailable (private mode, disabled cookies). */
export function readStoredLocale(storage: Pick<Storage, 'getItem'> | undefined): Locale {
  try {
    const value = storage?.getItem(LOCALE_STORAGE_KEY);
    return isLocale(value) ? value : DEFAULT_LOCALE;
  } catch (error) {
    console.warn('i18n.storage_unavailable', error);
    return DEFAULT_LOCALE;
  }
}

export function storeLocale(storage: Pick<Storage, 'setItem'> | undefined, locale: Locale): void {
  try {
    storage?.setItem(LOCALE_STORAGE_KEY, locale);
  } catch (error) {
    console.warn('i18n.storage_unavailable', error);
  }
}

/** BCP 47 tag for Intl formatting. */
export function intlLocale(locale: Locale): string {
  return locale === 'fr' ? 'fr-FR' : 'en-GB';
}
