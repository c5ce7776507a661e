/**
 * Senders whose remote content the user chose to always show, kept in this browser's storage
 * (addresses lower-cased). Per-message choices live only in the open reader.
 */
const STORAGE_KEY = 'facteur.remoteContentSenders';
const MAX_SENDERS = 500;

function read(storage: Pick<Storage, 'getItem'>): string[] {
  try {
    const value: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function isSenderTrusted(storage: Pick<Storage, 'getItem'>, address: string): boolean {
  return read(storage).includes(address.toLowerCase());
}

export function trustSender(storage: Pick<Storage, 'getItem' | 'setItem'>, address: string): void {
  const senders = read(storage).filter((a) => a !== address.toLowerCase());
  senders.push(address.toLowerCase());
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(senders.slice(-MAX_SENDERS)));
  } catch (error) {
    console.warn('mail.storage_unavailable', error);
  }
}
