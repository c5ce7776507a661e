/**
 * "Identités et signatures": the display name, Reply-To, automatic Bcc and signature of each of the
 * user's addresses (JMAP Identity/set); the composer fills Bcc from the identity (identity-bcc.ts). The signature is plain text; the composer adds it under "-- " to new
 * messages and replies. An HTML signature set by another client is shown sanitized (DOMPurify, no
 * style or images) and kept as it is. Loaded on demand (with DOMPurify), apart from the first page.
 */
import { type FormEvent, useCallback, useEffect, useId, useMemo, useState } from 'react';
import type { PortalInfo } from '../../../common/api.js';
import { useT } from '../i18n/locale-context';
import { formatAddressList, parseAddressList } from '../mail/compose/address-input';
import { sanitizeSignatureHtml } from '../mail/compose/signature-html';
import { createIdentityApi, type IdentityApi, IdentityError } from '../mail/jmap/identity-api';
import type { JmapClient } from '../mail/jmap/jmap-client';
import type { Identity } from '../mail/jmap/types';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { useDocumentTitle } from '../ui/page';
import { TextField } from '../ui/TextField';
import { SettingsPage } from './SettingsPage';
import './identities.css';

/** The server's bound (10 kB in UTF-8), checked here first to say it before sending. */
const MAX_SIGNATURE_BYTES = 10 * 1024;

export interface IdentitiesPageProps {
  jmap: JmapClient;
  portal: PortalInfo | null;
  focusHeading: boolean;
}

type Load = { kind: 'loading' } | { kind: 'ready'; identities: Identity[] } | { kind: 'error' };

export function IdentitiesPage({ jmap, portal, focusHeading }: IdentitiesPageProps) {
  const t = useT();
  const api = useMemo(() => createIdentityApi(jmap), [jmap]);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  useDocumentTitle([t('identities.heading'), t('app.serviceName'), portal?.institutionName]);

  const fetchIdentities = useCallback(async () => {
    setLoad({ kind: 'loading' });
    try {
      setLoad({ kind: 'ready', identities: await api.list() });
    } catch {
      setLoad({ kind: 'error' });
    }
  }, [api]);

  useEffect(() => {
    void fetchIdentities();
  }, [fetchIdentities]);

  return (
    <SettingsPage
      id="identities"
      title={t('identities.heading')}
      intro={t('identities.intro')}
      focusHeading={focusHeading}
      load={load.kind}
      loadError={t('identities.loadError')}
      onRetry={() => void fetchIdentities()}
    >
      {load.kind === 'ready'
        ? load.identities.map((identity) => <IdentityForm key={identity.id} api={api} identity={identity} />)
        : null}
    </SettingsPage>
  );
}

function IdentityForm({ api, identity }: { api: IdentityApi; identity: Identity }) {
  const t = useT();
  const id = useId();
  const [name, setName] = useState(identity.name);
  const [signature, setSignature] = useState(identity.textSignature ?? '');
  const [replyTo, setReplyTo] = useState(formatAddressList(identity.replyTo ?? null));
  const [bcc, setBcc] = useState(formatAddressList(identity.bcc ?? null));
  const [invalidField, setInvalidField] = useState<'replyTo' | 'bcc' | null>(null);
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<string | null>(null);
  const html = identity.htmlSignature ?? '';
  const preview = useMemo(() => (html === '' ? '' : sanitizeSignatureHtml(html)), [html]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (new TextEncoder().encode(signature).length > MAX_SIGNATURE_BYTES) {
      setError(t('identities.error.tooLong'));
      return;
    }
    const replyToList = parseAddressList(replyTo);
    const bccList = parseAddressList(bcc);
    const invalid = replyToList.invalid.length > 0 ? 'replyTo' : bccList.invalid.length > 0 ? 'bcc' : null;
    setInvalidField(invalid);
    if (invalid) {
      document.getElementById(`${id}-${invalid}`)?.focus();
      return;
    }
    setState('saving');
    try {
      await api.update(identity.id, {
        name: name.trim(),
        textSignature: signature,
        replyTo: replyToList.addresses.length > 0 ? replyToList.addresses : null,
        bcc: bccList.addresses.length > 0 ? bccList.addresses : null,
      });
      setState('saved');
    } catch (caught) {
      setState('idle');
      setError(
        caught instanceof IdentityError && caught.properties.includes('textSignature')
          ? t('identities.error.tooLong')
          : t('identities.error.save'),
      );
    }
  };

  return (
    <form className="identity" aria-labelledby={`${id}-heading`} onSubmit={(event) => void submit(event)}>
      <h2 id={`${id}-heading`} className="identity__address">
        {identity.email}
      </h2>
      <TextField
        id={`${id}-name`}
        label={t('identities.name')}
        description={t('identities.name.help')}
        value={name}
        maxLength={200}
        required
        onChange={(event) => {
          setName(event.target.value);
          setState('idle');
        }}
      />
      <TextField
        id={`${id}-replyTo`}
        label={t('identities.replyTo')}
        description={t('identities.replyTo.help')}
        value={replyTo}
        autoComplete="off"
        error={invalidField === 'replyTo' ? t('identities.error.address') : undefined}
        onChange={(event) => {
          setReplyTo(event.target.value);
          setState('idle');
        }}
      />
      <TextField
        id={`${id}-bcc`}
        label={t('identities.bcc')}
        description={t('identities.bcc.help')}
        value={bcc}
        autoComplete="off"
        error={invalidField === 'bcc' ? t('identities.error.address') : undefined}
        onChange={(event) => {
          setBcc(event.target.value);
          setState('idle');
        }}
      />
      <div className="field">
        <label className="field__label" htmlFor={`${id}-signature`}>
          {t('identities.signature')}
        </label>
        <p className="field__description" id={`${id}-signature-help`}>
          {t('identities.signature.help')}
        </p>
        <textarea
          id={`${id}-signature`}
          className="identity__signature"
          aria-describedby={`${id}-signature-help`}
          rows={5}
          value={signature}
          onChange={(event) => {
            setSignature(event.target.value);
            setState('idle');
          }}
        />
      </div>
      {preview !== '' ? (
        <div className="identity__html">
          <h3>{t('identities.html.heading')}</h3>
          <p className="muted">{t('identities.html.help')}</p>
          {/* Sanitized by DOMPurify (signature-html.ts): no script, style, image or form survives. */}
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized just above */}
          <div className="identity__preview" dangerouslySetInnerHTML={{ __html: preview }} />
        </div>
      ) : null}
      {error ? (
        <Alert kind="error" role="alert">
          <p>{error}</p>
        </Alert>
      ) : null}
      <div className="identity__actions">
        <Button type="submit" disabled={state === 'saving'}>
          {t('identities.save')}
        </Button>
        <p className="identity__status" role="status">
          {state === 'saved' ? t('identities.saved') : ''}
        </p>
      </div>
    </form>
  );
}

export default IdentitiesPage;
