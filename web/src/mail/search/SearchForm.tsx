/**
 * The search form above the list: words (searched everywhere: subject, body, people, attachment
 * names; accents and case ignored), and on demand the filters — sender, recipient, dates, folder,
 * unread, flagged, with attachments, minimum size.
 */
import { type FormEvent, useId, useState } from 'react';
import { useT } from '../../i18n/locale-context';
import type { Mailbox } from '../jmap/types';
import { useMailboxName } from '../mailbox-name';
import { EMPTY_CRITERIA, type SearchCriteria } from './search-criteria';

export interface SearchFormProps {
  /** On phones the form shows only when asked (wide screens always show it). */
  open: boolean;
  mailboxes: readonly Mailbox[];
  /** The search shown, to fill the form again (a saved search opened). */
  current: SearchCriteria | null;
  onSearch: (criteria: SearchCriteria) => void;
  onClear: () => void;
}

/** The phone layout of mail.css (search on demand). */
const PHONE_QUERY = '(max-width: 599px)';

export function SearchForm({ open, mailboxes, current, onSearch, onClear }: SearchFormProps) {
  const t = useT();
  const nameOf = useMailboxName();
  const id = useId();
  const [criteria, setCriteria] = useState<SearchCriteria>(current ?? EMPTY_CRITERIA);
  const [shownFor, setShownFor] = useState(current);
  const [filtersOpen, setFiltersOpen] = useState(false);
  // A search chosen elsewhere (saved search, cleared) fills the form.
  if (shownFor !== current) {
    setShownFor(current);
    setCriteria(current ?? EMPTY_CRITERIA);
  }
  const set = <K extends keyof SearchCriteria>(key: K, value: SearchCriteria[K]) =>
    setCriteria((c) => ({ ...c, [key]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // On a phone the open filters would cover the results: they close (the button reopens them).
    if (window.matchMedia?.(PHONE_QUERY).matches) setFiltersOpen(false);
    onSearch(criteria);
  };
  const field = (key: 'from' | 'to' | 'after' | 'before' | 'minSizeKb', type: string, label: string) => (
    <div className="search__field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        type={type}
        value={criteria[key]}
        min={type === 'number' ? 0 : undefined}
        inputMode={type === 'number' ? 'numeric' : undefined}
        onChange={(event) => set(key, event.target.value)}
      />
    </div>
  );
  const check = (key: 'unread' | 'flagged' | 'attachment', label: string) => (
    <div className="search__check">
      <input
        id={`${id}-${key}`}
        type="checkbox"
        checked={criteria[key]}
        onChange={(event) => set(key, event.target.checked)}
      />
      <label htmlFor={`${id}-${key}`}>{label}</label>
    </div>
  );
  return (
    <search className={`search${open || current ? ' search--open' : ''}`} aria-label={t('mail.search.label')}>
      <form onSubmit={submit}>
        <div className="search__main">
          <label htmlFor={`${id}-text`} className="visually-hidden">
            {t('mail.search.text')}
          </label>
          <input
            id={`${id}-text`}
            className="search__text"
            data-shortcut="/"
            aria-keyshortcuts="/"
            type="search"
            value={criteria.text}
            placeholder={t('mail.search.placeholder')}
            onChange={(event) => set('text', event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape' && current) onClear();
            }}
          />
          <button type="submit" className="button button--primary">
            {t('mail.search.submit')}
          </button>
          <button
            type="button"
            className="button button--tertiary"
            aria-expanded={filtersOpen}
            aria-controls={`${id}-filters`}
            onClick={() => setFiltersOpen(!filtersOpen)}
          >
            {t('mail.search.filters')}
          </button>
          {current ? (
            <button type="button" className="button button--tertiary" onClick={onClear}>
              {t('mail.search.clear')}
            </button>
          ) : null}
        </div>
        <fieldset id={`${id}-filters`} className="search__filters" hidden={!filtersOpen}>
          <legend className="visually-hidden">{t('mail.search.filters')}</legend>
          {field('from', 'text', t('mail.search.from'))}
          {field('to', 'text', t('mail.search.to'))}
          {field('after', 'date', t('mail.search.after'))}
          {field('before', 'date', t('mail.search.before'))}
          <div className="search__field">
            <label htmlFor={`${id}-mailbox`}>{t('mail.search.mailbox')}</label>
            <select
              id={`${id}-mailbox`}
              value={criteria.mailboxId}
              onChange={(event) => set('mailboxId', event.target.value)}
            >
              <option value="">{t('mail.search.allMailboxes')}</option>
              {mailboxes.map((mailbox) => (
                <option key={mailbox.id} value={mailbox.id}>
                  {nameOf(mailbox)}
                </option>
              ))}
            </select>
          </div>
          {field('minSizeKb', 'number', t('mail.search.minSize'))}
          {check('unread', t('mail.search.unread'))}
          {check('flagged', t('mail.search.flagged'))}
          {check('attachment', t('mail.search.attachment'))}
        </fieldset>
      </form>
    </search>
  );
}
