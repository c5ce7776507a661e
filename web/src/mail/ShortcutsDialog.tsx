import { forwardRef } from 'react';
import { useT } from '../i18n/locale-context';
import { SHORTCUTS } from './shortcuts';

/** The list of keyboard shortcuts, in a native modal dialog (focus kept inside, Escape closes). */
export const ShortcutsDialog = forwardRef<HTMLDialogElement>(function ShortcutsDialog(_props, ref) {
  const t = useT();
  return (
    <dialog ref={ref} className="shortcuts" aria-labelledby="shortcuts-heading">
      <h2 id="shortcuts-heading">{t('shortcuts.heading')}</h2>
      <table>
        <caption className="visually-hidden">{t('shortcuts.heading')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('shortcuts.key')}</th>
            <th scope="col">{t('shortcuts.action')}</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={`${shortcut.key} ${shortcut.action}`}>
              <td>
                <kbd>{shortcut.label ?? shortcut.key}</kbd>
              </td>
              <td>{t(shortcut.action)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit" className="button button--primary">
          {t('shortcuts.close')}
        </button>
      </form>
    </dialog>
  );
});
