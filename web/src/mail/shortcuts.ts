/**
 * Keyboard shortcuts of the webmail, Gmail-like since most users know those. A shortcut presses the
 * button that carries its key in `data-shortcut` (and says so to assistive technology with
 * `aria-keyshortcuts`), so a shortcut can never do what the visible button would not.
 */
import type { MessageId } from '../i18n/fr';

export interface Shortcut {
  key: string;
  /** What the help dialog shows for the key (e.g. "Maj + 3"). */
  label?: string;
  action: MessageId;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { key: 'c', action: 'shortcuts.compose' },
  { key: '/', action: 'shortcuts.search' },
  { key: 'j', label: 'j / ↓', action: 'shortcuts.next' },
  { key: 'k', label: 'k / ↑', action: 'shortcuts.previous' },
  { key: 'Enter', action: 'shortcuts.openMessage' },
  { key: 'x', action: 'shortcuts.select' },
  { key: 'r', action: 'shortcuts.reply' },
  { key: 'a', action: 'shortcuts.replyAll' },
  { key: 'f', action: 'shortcuts.forward' },
  { key: 'e', action: 'shortcuts.archive' },
  { key: '#', action: 'shortcuts.delete' },
  { key: 's', action: 'shortcuts.flag' },
  { key: 'u', action: 'shortcuts.back' },
  { key: 'Ctrl+Enter', action: 'shortcuts.send' },
  { key: 'Escape', action: 'shortcuts.closeComposer' },
  { key: 'Escape', action: 'mail.select.escape' },
  { key: '?', action: 'shortcuts.help' },
];

/** Keys handled by pressing the button marked with them (the others are handled where they live). */
export const BUTTON_KEYS: ReadonlySet<string> = new Set(['c', '/', 'r', 'a', 'f', 'e', '#', 's', 'u', '?']);

/** Whether a key press is the user's typing rather than a command. */
export function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  // A checkbox takes no text: the shortcuts still work on the list's checkboxes.
  return Boolean(
    element?.closest?.(
      'input:not([type="checkbox"]):not([type="radio"]), textarea, select, [contenteditable="true"], [role="textbox"]',
    ),
  );
}

/** The button a key press should press, if any. */
export function shortcutTarget(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>,
  root: ParentNode,
): HTMLElement | null {
  if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return null;
  if (!BUTTON_KEYS.has(event.key)) return null;
  const escaped = event.key.replace(/["\\]/g, '\\$&');
  return root.querySelector<HTMLElement>(`[data-shortcut="${escaped}"]:not([disabled])`);
}
