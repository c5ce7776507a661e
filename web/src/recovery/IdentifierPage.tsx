/**
 * "Connaître son identifiant" (/aide/identifiant), public: NUMEN and birth date → the identifier and
 * address of the matching active account, shown on the page.
 */
import { useState } from 'react';
import type { PortalInfo, RecoveredIdentifiers } from '../../../common/api.js';
import type { FacteurApi } from '../api/facteur-api';
import { useT } from '../i18n/locale-context';
import { Link } from '../shell/router';
import { Alert } from '../ui/Alert';
import { PageHeading, useDocumentTitle } from '../ui/page';
import { RecoveryForm } from './RecoveryForm';
import './recovery.css';

export interface RecoveryPageProps {
  api: FacteurApi;
  portal: PortalInfo | null;
  focusHeading: boolean;
}

export default function IdentifierPage({ api, portal, focusHeading }: RecoveryPageProps) {
  const t = useT();
  const [found, setFound] = useState<RecoveredIdentifiers | null>(null);
  useDocumentTitle([t('title.recoverIdentifier'), t('app.serviceName'), portal?.institutionName]);
  return (
    <section className="card" aria-labelledby="recover-identifier-heading">
      <PageHeading id="recover-identifier-heading" focusOnMount={focusHeading}>
        {t('recoverIdentifier.heading')}
      </PageHeading>
      <p className="lead">{t('recoverIdentifier.intro')}</p>
      {found ? (
        <Alert kind="success" title={t('recoverIdentifier.found')} focusOnMount>
          {found.accounts.map((account) => (
            <dl key={account.identifier} className="recovery__result">
              <dt>{t('recoverIdentifier.identifier')}</dt>
              <dd>
                <strong>{account.identifier}</strong>
              </dd>
              <dt>{t('recoverIdentifier.address')}</dt>
              <dd>{account.address}</dd>
            </dl>
          ))}
        </Alert>
      ) : (
        <RecoveryForm
          api={api}
          idPrefix="recover-identifier"
          headingId="recover-identifier-heading"
          submitLabel={t('recoverIdentifier.submit')}
          onSubmit={async (request) => setFound(await api.recoverIdentifier(request))}
        />
      )}
      <p className="recovery__back">
        <Link to="home">{t('recovery.backToSignIn')}</Link>
      </p>
    </section>
  );
}
