/**
 * "Réponse automatique": the vacation auto-reply (JMAP VacationResponse). The days are the user's
 * (vacation-dates.ts); the server answers each sender once a week at most, never to lists or
 * automatic mail (docs/protocols.md). The webmail says when it is on.
 */
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import type { PortalInfo } from '../../../common/api.js';
import type { MessageId } from '../i18n/fr';
import { useT } from '../i18n/locale-context';
import type { JmapClient } from '../mail/jmap/jmap-client';
import { createVacationApi, type Vacation } from '../mail/jmap/vacation-api';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { useDocumentTitle } from '../ui/page';
import { TextField } from '../ui/TextField';
import { SettingsPage } from './SettingsPage';
import { dayAfter, dayStart, fromDay, toDay } from './vacation-dates';
import './identities.css';

export interface VacationPageProps {
  jmap: JmapClient;
  portal: PortalInfo | null;
  focusHeading: boolean;
}

type Load = { kind: 'loading' } | { kind: 'ready' } | { kind: 'error' };

export default function VacationPage({ jmap, portal, focusHeading }: VacationPageProps) {
  const t = useT();
  const api = useMemo(() => createVacationApi(jmap), [jmap]);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [enabled, setEnabled] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<MessageId | null>(null);
  const [saved, setSaved] = useState<MessageId | null>(null);
  const [saving, setSaving] = useState(false);
  useDocumentTitle([t('vacation.heading'), t('app.serviceName'), portal?.institutionName]);

  const fetchVacation = useCallback(async () => {
    setLoad({ kind: 'loading' });
    try {
      const vacation = await api.get();
      setEnabled(vacation.isEnabled);
      setFrom(fromDay(vacation.fromDate));
      setTo(toDay(vacation.toDate));
      setSubject(vacation.subject ?? '');
      setBody(vacation.textBody ?? '');
      setLoad({ kind: 'ready' });
    } catch {
      setLoad({ kind: 'error' });
    }
  }, [api]);

  useEffect(() => {
    void fetchVacation();
  }, [fetchVacation]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    const invalid: MessageId | null =
      enabled && body.trim() === ''
        ? 'vacation.error.noMessage'
        : from && to && to < from
          ? 'vacation.error.dates'
          : null;
    setProblem(invalid);
    if (invalid) {
      document
        .getElementById(invalid === 'vacation.error.noMessage' ? 'vacation-body' : 'vacation-to')
        ?.focus();
      return;
    }
    const vacation: Vacation = {
      isEnabled: enabled,
      fromDate: from ? dayStart(from) : null,
      toDate: to ? dayAfter(to) : null,
      subject: subject.trim() || null,
      textBody: body,
    };
    setSaving(true);
    try {
      await api.set(vacation);
      setSaved(enabled ? 'vacation.saved.on' : 'vacation.saved.off');
    } catch {
      setProblem('vacation.error.save');
    } finally {
      setSaving(false);
    }
  };

  return (
    <SettingsPage
      id="vacation"
      title={t('vacation.heading')}
      intro={t('vacation.intro')}
      focusHeading={focusHeading}
      load={load.kind}
      loadError={t('vacation.loadError')}
      onRetry={() => void fetchVacation()}
    >
      <form noValidate onSubmit={(event) => void submit(event)}>
        {problem ? <Alert kind="error" title={t(problem)} /> : null}
        {saved ? <Alert kind="success" title={t(saved)} /> : null}
        <div className="field vacation__enable">
          <input
            id="vacation-enabled"
            type="checkbox"
            checked={enabled}
            onChange={(event) => setEnabled(event.target.checked)}
          />
          <label htmlFor="vacation-enabled">{t('vacation.enabled')}</label>
        </div>
        <div className="vacation__dates">
          <TextField
            id="vacation-from"
            type="date"
            label={t('vacation.from')}
            description={t('vacation.from.help')}
            value={from}
            onChange={(event) => setFrom(event.target.value)}
          />
          <TextField
            id="vacation-to"
            type="date"
            label={t('vacation.to')}
            description={t('vacation.to.help')}
            value={to}
            min={from || undefined}
            error={problem === 'vacation.error.dates' ? t(problem) : undefined}
            onChange={(event) => setTo(event.target.value)}
          />
        </div>
        <TextField
          id="vacation-subject"
          label={t('vacation.subject')}
          description={t('vacation.subject.help')}
          value={subject}
          maxLength={200}
          onChange={(event) => setSubject(event.target.value)}
        />
        <div className={`field${problem === 'vacation.error.noMessage' ? ' field--error' : ''}`}>
          <label className="field__label" htmlFor="vacation-body">
            {t('vacation.body')}
          </label>
          {problem === 'vacation.error.noMessage' ? (
            <p className="field__error" id="vacation-body-error">
              {t(problem)}
            </p>
          ) : null}
          <textarea
            id="vacation-body"
            className="vacation__body"
            value={body}
            rows={8}
            maxLength={20_000}
            aria-invalid={problem === 'vacation.error.noMessage' ? true : undefined}
            aria-describedby={problem === 'vacation.error.noMessage' ? 'vacation-body-error' : undefined}
            onChange={(event) => setBody(event.target.value)}
          />
        </div>
        <Button type="submit" disabled={saving}>
          {t('vacation.save')}
        </Button>
      </form>
    </SettingsPage>
  );
}
