/**
 * Messages dragged from the list onto a folder. The ids travel in the drag data under a type of our
 * own, so a drop from another page or application (a file, a link, text) is not taken for messages;
 * what arrives is still read as untrusted: anything but a short list of id strings gives nothing.
 */

export const EMAIL_DRAG_TYPE = 'application/x-facteur-emails';

/** More than the list ever selects at once (loaded pages), far less than would hurt to send. */
const MAX_DRAGGED = 5000;

export function writeDraggedEmails(data: DataTransfer, ids: readonly string[]): void {
  data.setData(EMAIL_DRAG_TYPE, JSON.stringify(ids));
  data.effectAllowed = 'move';
}

/** Whether a drag carries messages (the data itself is only readable on drop). */
export function carriesEmails(data: DataTransfer | null): boolean {
  return Boolean(data && Array.from(data.types).includes(EMAIL_DRAG_TYPE));
}

export function parseDraggedEmails(raw: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(value) || value.length > MAX_DRAGGED) return [];
  const ids = value.filter((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 255);
  return ids.length === value.length ? [...new Set(ids)] : [];
}
