/**
 * The list's selection, as in Gmail: rows checked one by one (or all the loaded ones), or every
 * message the query matches ("all matching": the folder or the search, loaded or not). Pure, so the
 * transitions are tested without React.
 *
 * - In "all matching", every loaded row shows checked; unchecking one leaves "all matching" and keeps
 *   the other loaded rows checked.
 * - "All matching" keeps the total it was chosen with: the line saying it does not change while the
 *   action runs and the list empties.
 */
import type { MessageId } from '../../i18n/fr';
import type { MessageParams } from '../../i18n/translate';

export interface Selection {
  /** The rows checked (row ids: messages, or conversations by their newest message). */
  readonly ids: ReadonlySet<string>;
  /** Every row of the query, with its total when chosen; null when only `ids` are. */
  readonly allMatching: { readonly total: number } | null;
}

export const NO_SELECTION: Selection = { ids: new Set(), allMatching: null };

export function isEmpty(selection: Selection): boolean {
  return selection.allMatching === null && selection.ids.size === 0;
}

export function isChecked(selection: Selection, id: string): boolean {
  return selection.allMatching !== null || selection.ids.has(id);
}

/** Checks or unchecks rows; unchecking in "all matching" keeps the other loaded rows checked. */
export function checkRows(
  selection: Selection,
  ids: readonly string[],
  on: boolean,
  loadedIds: readonly string[],
): Selection {
  if (selection.allMatching) {
    if (on) return selection;
    const off = new Set(ids);
    return { ids: new Set(loadedIds.filter((id) => !off.has(id))), allMatching: null };
  }
  const next = new Set(selection.ids);
  for (const id of ids) {
    if (on) next.add(id);
    else next.delete(id);
  }
  return { ids: next, allMatching: null };
}

/** Drops checked rows gone from the list (moved away, deleted elsewhere); "all matching" stays. */
export function keepPresent(selection: Selection, presentIds: readonly string[]): Selection {
  if (selection.allMatching || selection.ids.size === 0) return selection;
  const present = new Set(presentIds);
  const kept = [...selection.ids].filter((id) => present.has(id));
  return kept.length === selection.ids.size ? selection : { ids: new Set(kept), allMatching: null };
}

export function selectAllMatching(total: number): Selection {
  return { ids: new Set(), allMatching: { total } };
}

/**
 * What the line above the list offers: nothing; "select all N" once every loaded row is checked and
 * the query holds more; or "all N are selected" with a way out.
 */
export type SelectAllLine =
  | { kind: 'offer'; shown: number; total: number }
  | { kind: 'all'; total: number }
  | null;

export function selectAllLine(
  selection: Selection,
  loadedIds: readonly string[],
  total: number | null,
): SelectAllLine {
  if (selection.allMatching) return { kind: 'all', total: selection.allMatching.total };
  if (total === null || loadedIds.length === 0 || total <= loadedIds.length) return null;
  if (!loadedIds.every((id) => selection.ids.has(id))) return null;
  return { kind: 'offer', shown: loadedIds.length, total };
}

export interface LineScope {
  /** The folder shown; null for search results. */
  mailbox: string | null;
  conversations: boolean;
  /** Formats a count for the interface's language (Intl.NumberFormat). */
  format: (n: number) => string;
}

export interface LineText {
  status: [MessageId, MessageParams];
  action: [MessageId, MessageParams];
}

type Variants = Readonly<
  Record<'mailbox' | 'search', Readonly<Record<'messages' | 'conversations', MessageId>>>
>;

const OFFER: Variants = {
  mailbox: { messages: 'mail.select.allOffer', conversations: 'mail.select.allOfferConversations' },
  search: {
    messages: 'mail.select.allOfferSearch',
    conversations: 'mail.select.allOfferSearchConversations',
  },
};

const SELECTED: Variants = {
  mailbox: { messages: 'mail.select.allSelected', conversations: 'mail.select.allSelectedConversations' },
  search: {
    messages: 'mail.select.allSelectedSearch',
    conversations: 'mail.select.allSelectedSearchConversations',
  },
};

/** The sentence and the button label of the line, in the catalogue's words. */
export function selectAllText(line: NonNullable<SelectAllLine>, scope: LineScope): LineText {
  const where = scope.mailbox === null ? 'search' : 'mailbox';
  const what = scope.conversations ? 'conversations' : 'messages';
  const total = { count: scope.format(line.total), mailbox: scope.mailbox ?? '' };
  if (line.kind === 'offer') {
    return {
      status: [
        scope.conversations ? 'mail.select.allShownConversations' : 'mail.select.allShown',
        { count: scope.format(line.shown) },
      ],
      action: [OFFER[where][what], total],
    };
  }
  return { status: [SELECTED[where][what], total], action: ['mail.select.allCancel', {}] };
}
