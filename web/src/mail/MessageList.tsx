/**
 * The message list, virtualized (@tanstack/react-virtual): only the rows on screen exist in the DOM,
 * so 50 000 messages scroll like 50. Rows not loaded yet show a placeholder and are fetched by page.
 *
 * Accessibility: a list whose items carry aria-posinset/aria-setsize (screen readers announce
 * "message 3 of 50 000" though only a few are in the DOM); each row is a checkbox (bulk selection)
 * and one button. Arrow keys and j/k move between rows, Home/End jump, Enter opens, x checks the row;
 * Shift+click on a checkbox checks the range from the last one checked.
 *
 * Rows can be dragged onto a folder (email-drag.ts): the checked rows if the dragged one is checked,
 * otherwise that row alone. The "Move to" form does the same without dragging (WCAG 2.5.7). While
 * every message of the query is selected ("all matching"), rows are not dragged: the toolbar's
 * "Move to" acts on all of them, a drop would act on the loaded ones only.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { type DragEvent, type KeyboardEvent, type ReactNode, useEffect, useRef } from 'react';
import { useLocale, useT } from '../i18n/locale-context';
import { intlLocale } from '../i18n/translate';
import { addressList, displayName, listDate } from './format';
import type { EmailSummary } from './jmap/types';
import { writeDraggedEmails } from './organise/email-drag';
import { messagesOf } from './organise/messages-of';
import { parseSnippet } from './search/snippet-markup';
import type { EmailList } from './use-email-list';

const ROW_HEIGHT = 80;

export interface MessageListProps {
  list: EmailList;
  heading: string;
  headingId: string;
  selectedId: string | null;
  /** In the Sent and Drafts mailboxes the list names recipients, not senders. */
  showRecipients: boolean;
  onOpen: (email: EmailSummary) => void;
  /** Shown beside the heading (save a search). */
  actions?: ReactNode;
  /** The rows checked for a bulk action. */
  checked: ReadonlySet<string>;
  onCheck: (emailIds: readonly string[], on: boolean) => void;
  /** Every message of the query is selected (not only the rows loaded): no dragging then. */
  allMatching?: boolean;
  /** One row per conversation, and the switch between that and one row per message. */
  conversations: boolean;
  onConversationsChange: (on: boolean) => void;
}

export function MessageList({
  list,
  heading,
  headingId,
  selectedId,
  showRecipients,
  onOpen,
  actions,
  checked,
  onCheck,
  allMatching = false,
  conversations,
  onConversationsChange,
}: MessageListProps) {
  const t = useT();
  const { locale } = useLocale();
  const scrollRef = useRef<HTMLDivElement>(null);
  const total = list.total ?? 0;
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const { ensure } = list;
  useEffect(() => {
    if (total > 0) ensure(first, last);
  }, [ensure, first, last, total]);

  const focusRow = (index: number) => {
    const target = Math.max(0, Math.min(total - 1, index));
    virtualizer.scrollToIndex(target, { align: 'auto' });
    const rowButton = () =>
      scrollRef.current?.querySelector<HTMLButtonElement>(`[data-index="${target}"] button`);
    // A rendered row takes focus at once, so a quick second key press starts from it; one
    // outside the rendered window only exists after the scroll renders it.
    const now = rowButton();
    if (now) now.focus();
    else requestAnimationFrame(() => rowButton()?.focus());
  };

  // Shift+click checks a range: from the row last checked or unchecked by hand.
  const lastChecked = useRef<number | null>(null);
  const toggle = (index: number, range: boolean) => {
    const email = list.rowAt(index);
    if (!email) return;
    const on = !checked.has(email.id);
    const from = range && lastChecked.current !== null ? lastChecked.current : index;
    const ids: string[] = [];
    for (let i = Math.min(from, index); i <= Math.max(from, index); i++) {
      const row = list.rowAt(i);
      if (row) ids.push(row.id);
    }
    lastChecked.current = index;
    onCheck(ids, on);
  };
  const loadedCount = list.loaded.length;
  const checkedLoaded = loadedCount > 0 ? list.loaded.filter((e) => checked.has(e.id)).length : 0;
  const allBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (allBox.current) allBox.current.indeterminate = checkedLoaded > 0 && checkedLoaded < loadedCount;
  }, [checkedLoaded, loadedCount]);

  const onDragStart = (event: DragEvent<HTMLElement>, email: EmailSummary) => {
    const rows = checked.has(email.id) ? list.loaded.filter((e) => checked.has(e.id)) : [email];
    writeDraggedEmails(event.dataTransfer, messagesOf(rows));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!row || event.altKey || event.ctrlKey || event.metaKey) return;
    const index = Number(row.dataset.index);
    if (event.key === 'x') {
      event.preventDefault();
      toggle(index, false);
      return;
    }
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      j: index + 1,
      ArrowUp: index - 1,
      k: index - 1,
      Home: 0,
      End: total - 1,
      PageDown: index + 10,
      PageUp: index - 10,
    };
    const to = moves[event.key];
    if (to === undefined) return;
    event.preventDefault();
    focusRow(to);
  };

  const intl = intlLocale(locale);
  return (
    <section className="mail-list" aria-labelledby={headingId}>
      <div className="mail-list__header">
        <h2 id={headingId} className="mail-list__heading" tabIndex={-1}>
          {heading}
        </h2>
        {actions}
        <button
          type="button"
          className="button button--tertiary mail-list__conversations"
          aria-pressed={conversations}
          onClick={() => onConversationsChange(!conversations)}
        >
          {t('mail.list.conversations')}
        </button>
        {loadedCount > 0 ? (
          <label className="mail-list__all">
            <input
              ref={allBox}
              type="checkbox"
              checked={checkedLoaded === loadedCount}
              onChange={(event) =>
                onCheck(
                  list.loaded.map((e) => e.id),
                  event.currentTarget.checked,
                )
              }
            />
            {t('mail.select.all')}
          </label>
        ) : null}
        <p className="mail-list__count" aria-live="polite">
          {list.total === null
            ? t('shell.loading')
            : t(conversations ? 'mail.list.countConversations' : 'mail.list.count', {
                count: total.toLocaleString(intl),
              })}
        </p>
      </div>
      {list.total === 0 ? <p className="mail-list__empty">{t('mail.list.empty')}</p> : null}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: keys are handled for the rows inside */}
      <div className="mail-list__scroll" ref={scrollRef} onKeyDown={onKeyDown}>
        <ul className="mail-list__rows" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const email = list.rowAt(item.index);
            return (
              <li
                key={email?.id ?? `placeholder-${item.index}`}
                className={`mail-row${email && checked.has(email.id) ? ' mail-row--checked' : ''}`}
                data-index={item.index}
                aria-posinset={item.index + 1}
                aria-setsize={total}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                {email ? (
                  <Row
                    email={email}
                    index={item.index}
                    checked={checked.has(email.id)}
                    onToggle={toggle}
                    onDragStart={onDragStart}
                    draggable={!allMatching}
                    selected={email.id === selectedId}
                    showRecipients={showRecipients}
                    locale={intl}
                    onOpen={onOpen}
                  />
                ) : (
                  <span className="mail-row__placeholder">{t('shell.loading')}</span>
                )}
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}

function Row({
  email,
  index,
  checked,
  onToggle,
  onDragStart,
  draggable,
  selected,
  showRecipients,
  locale,
  onOpen,
}: {
  email: EmailSummary;
  index: number;
  checked: boolean;
  onToggle: (index: number, range: boolean) => void;
  onDragStart: (event: DragEvent<HTMLElement>, email: EmailSummary) => void;
  draggable: boolean;
  selected: boolean;
  showRecipients: boolean;
  locale: string;
  onOpen: (email: EmailSummary) => void;
}) {
  const t = useT();
  const conversation = email.conversation;
  const unread = conversation ? conversation.unread : !email.keywords.$seen;
  const flagged = conversation ? conversation.flagged : email.keywords.$flagged === true;
  const who = showRecipients
    ? addressList(email.to) || t('mail.noRecipient')
    : email.from?.[0]
      ? displayName(email.from[0])
      : t('mail.noSender');
  const subject = email.subject?.trim() || t('mail.noSubject');
  // The click event says whether Shift was held; the change that follows it does the toggling.
  const shiftHeld = useRef(false);
  return (
    <>
      <label className="mail-row__check">
        <input
          type="checkbox"
          checked={checked}
          aria-label={t('mail.select.one', { subject })}
          onClick={(event) => {
            shiftHeld.current = event.shiftKey;
          }}
          onChange={() => {
            onToggle(index, shiftHeld.current);
            shiftHeld.current = false;
          }}
        />
      </label>
      <button
        type="button"
        className={`mail-row__button${unread ? ' mail-row__button--unread' : ''}${selected ? ' mail-row__button--selected' : ''}`}
        aria-current={selected ? 'true' : undefined}
        draggable={draggable}
        onDragStart={draggable ? (event) => onDragStart(event, email) : undefined}
        onClick={() => onOpen(email)}
      >
        <span className="mail-row__line">
          <span className="mail-row__who">
            {unread ? <span className="visually-hidden">{t('mail.unread')}, </span> : null}
            {who}
            {conversation && conversation.size > 1 ? (
              <span className="mail-row__thread-size">
                {' '}
                <span aria-hidden="true">{conversation.size}</span>
                <span className="visually-hidden">
                  {t('mail.list.conversationSize', { count: conversation.size })}
                </span>
              </span>
            ) : null}
          </span>
          <span className="mail-row__meta">
            {flagged ? (
              <span className="mail-row__flag" role="img" aria-label={t('mail.flagged')}>
                ⚑
              </span>
            ) : null}
            {email.hasAttachment ? (
              <span className="mail-row__clip" role="img" aria-label={t('mail.hasAttachment')}>
                📎
              </span>
            ) : null}
            <time dateTime={email.receivedAt}>{listDate(email.receivedAt, locale)}</time>
          </span>
        </span>
        <span className="mail-row__subject">
          {email.snippet?.subject ? <Marked html={email.snippet.subject} /> : subject}
        </span>
        <span className="mail-row__preview">
          {email.snippet?.preview ? <Marked html={email.snippet.preview} /> : email.preview}
        </span>
      </button>
    </>
  );
}

/** Search snippet text with the found words in <mark> (built as elements, never as HTML). */
function Marked({ html }: { html: string }) {
  return (
    <>
      {parseSnippet(html).map((piece, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: pieces have no identity but their order
        piece.marked ? <mark key={i}>{piece.text}</mark> : <span key={i}>{piece.text}</span>,
      )}
    </>
  );
}
