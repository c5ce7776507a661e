/**
 * Copies text for a "Copy" button. The asynchronous Clipboard API needs a secure context (HTTPS or
 * localhost) and may be refused by the browser; then the text shown in `fallback` is selected and
 * the legacy copy command tried, which works in more places. When both fail the text stays selected,
 * so the caller can tell the user to press Ctrl+C.
 */
export async function copyText(text: string, fallback: Element | null): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (error) {
    console.warn('clipboard.write_refused', error);
  }
  const selection = window.getSelection();
  if (!fallback || !selection) return false;
  selection.selectAllChildren(fallback);
  try {
    // Deprecated but still the only synchronous way; harmless when it does nothing.
    return document.execCommand('copy');
  } catch (error) {
    console.warn('clipboard.exec_failed', error);
    return false;
  }
}
