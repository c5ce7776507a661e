/**
 * Create a folder, or rename, move or delete one, in a native modal dialog (focus kept inside,
 * Escape closes, focus given back to what opened it). Role folders (Inbox, Sent…) are never offered
 * here: the server refuses to rename or delete them.
 */
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { MessageId } from '../../i18n/fr';
import { useLocale, useT } from '../../i18n/locale-context';
import { intlLocale } from '../../i18n/translate';
import { type MailboxApi, MailboxChangeError } from '../jmap/mailbox-api';
import type { Mailbox } from '../jmap/types';
import { useMailboxName } from '../mailbox-name';
import { findRole, flattenMailboxTree } from '../mailbox-tree';
import { folderNameProblem, subtreeIds } from './folder-rules';

export type FolderEdit = { kind: 'create'; parentId: string | null } | { kind: 'edit'; mailbox: Mailbox };

export interface FolderDialogProps {
  api: MailboxApi;
  edit: FolderEdit;
  mailboxes: readonly Mailbox[];
  /** Done: `notice` says what changed; `openId` is a folder to show (the one created). */
  onDone: (notice: string, openId?: string) => void;
  onClose: () => void;
}

const SERVER_ERRORS: Readonly<Record<string, MessageId>> = {
  mailboxHasChild: 'mail.folder.error.hasChild',
  mailboxHasEmail: 'mail.folder.error.hasEmail',
  invalidProperties: 'mail.folder.error.refused',
  forbidden: 'mail.folder.error.refused',
  notFound: 'mail.folder.error.gone',
};

export function FolderDialog({ api, edit, mailboxes, onDone, onClose }: FolderDialogProps) {
  const t = useT();
  const { locale } = useLocale();
  const nameOf = useMailboxName();
  const dialog = useRef<HTMLDialogElement>(null);
  const nameId = useId();
  const parentId = useId();
  const errorId = useId();
  const editing = edit.kind === 'edit' ? edit.mailbox : null;
  const [name, setName] = useState(editing?.name ?? '');
  const [parent, setParent] = useState<string>(
    (editing ? editing.parentId : edit.kind === 'create' ? edit.parentId : null) ?? '',
  );
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  // A folder cannot go under itself or under one of its own subfolders.
  const parents = useMemo(() => {
    const excluded = editing ? subtreeIds(mailboxes, editing.id) : new Set<string>();
    return flattenMailboxTree(mailboxes, intlLocale(locale)).filter((n) => !excluded.has(n.mailbox.id));
  }, [mailboxes, editing, locale]);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      const key = caught instanceof MailboxChangeError ? SERVER_ERRORS[caught.type] : undefined;
      setError(t(key ?? 'mail.error.action'));
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parentIdValue = parent === '' ? null : parent;
    const problem = folderNameProblem(mailboxes, name, parentIdValue, editing?.id ?? null, nameOf);
    if (problem) {
      setError(t(problem));
      document.getElementById(nameId)?.focus();
      return;
    }
    const trimmed = name.trim();
    void run(async () => {
      if (editing) {
        await api.update(editing.id, { name: trimmed, parentId: parentIdValue });
        onDone(t('mail.folder.saved', { name: trimmed }));
      } else {
        const id = await api.create(trimmed, parentIdValue);
        onDone(t('mail.folder.created', { name: trimmed }), id);
      }
    });
  };

  const remove = () => {
    if (!editing) return;
    const trash = findRole(mailboxes, 'trash');
    const question =
      editing.totalEmails > 0
        ? t('mail.folder.deleteConfirmMessages', { name: editing.name, count: editing.totalEmails })
        : t('mail.folder.deleteConfirm', { name: editing.name });
    if (!window.confirm(question)) return;
    void run(async () => {
      const moved = await api.destroy(editing.id, trash?.id ?? null);
      onDone(
        moved > 0
          ? t('mail.folder.deletedMoved', { name: editing.name, count: moved })
          : t('mail.folder.deleted', { name: editing.name }),
      );
    });
  };

  const headingId = `${nameId}-heading`;
  return (
    <dialog ref={dialog} className="folder-dialog" aria-labelledby={headingId} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id={headingId}>
          {editing ? t('mail.folder.editHeading', { name: editing.name }) : t('mail.folder.createHeading')}
        </h2>
        {error ? (
          <p className="folder-dialog__error" id={errorId} role="alert">
            {error}
          </p>
        ) : null}
        <div className="field">
          <label className="field__label" htmlFor={nameId}>
            {t('mail.folder.name')}
          </label>
          <input
            id={nameId}
            className="field__input"
            value={name}
            required
            maxLength={200}
            autoComplete="off"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(event) => setName(event.currentTarget.value)}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={parentId}>
            {t('mail.folder.parent')}
          </label>
          <select
            id={parentId}
            className="field__input"
            value={parent}
            onChange={(event) => setParent(event.currentTarget.value)}
          >
            <option value="">{t('mail.folder.topLevel')}</option>
            {parents.map(({ mailbox, depth }) => (
              <option key={mailbox.id} value={mailbox.id}>
                {`${'\u00a0\u00a0'.repeat(depth)}${nameOf(mailbox)}`}
              </option>
            ))}
          </select>
        </div>
        <div className="folder-dialog__buttons">
          <button type="submit" className="button button--primary" disabled={busy}>
            {editing ? t('mail.folder.save') : t('mail.folder.create')}
          </button>
          <button type="button" className="button button--secondary" onClick={() => dialog.current?.close()}>
            {t('mail.folder.cancel')}
          </button>
          {editing ? (
            <button type="button" className="button button--danger" disabled={busy} onClick={remove}>
              {t('mail.folder.delete')}
            </button>
          ) : null}
        </div>
      </form>
    </dialog>
  );
}
