/**
 * Messages of a lazily loaded page, kept in the page's own chunk instead of the main catalogues
 * (fr.ts, en.ts), which every visitor downloads: the initial bundle stays within its budget as
 * pages are added (test/e2e/bundle-budget.test.ts).
 *
 * The English messages are typed by the French keys: a missing or extra key is a compile error.
 * page-messages.test.ts checks, for every page catalogue, that no message is empty and that both
 * languages use the same placeholders.
 */
import { useCallback } from 'react';
import type { Locale } from '../../../common/api.js';
import { useLocale } from './locale-context';
import { formatMessage, type MessageParams } from './translate';

export type PageMessages<K extends string> = Readonly<Record<Locale, Readonly<Record<K, string>>>>;

export function definePageMessages<const F extends Record<string, string>>(
  fr: F,
  en: { readonly [K in keyof F]: string },
): PageMessages<keyof F & string> {
  return { fr, en };
}

export type PageTranslate<K extends string> = (id: K, params?: MessageParams) => string;

export function usePageT<K extends string>(messages: PageMessages<K>): PageTranslate<K> {
  const { locale } = useLocale();
  return useCallback(
    (id: K, params?: MessageParams) => formatMessage(messages[locale][id], params),
    [messages, locale],
  );
}
