/**
 * "Réinitialiser son mot de passe" (/aide/mot-de-passe-oublie), public: NUMEN and birth date → a
 * link mailed to the recovery address on file. The page says the same thing whether or not an
 * account matched, since the server does not tell (docs/security.md).
 */
import { useState } from 'react';
import { useT } from '../i18n/locale-context';
import { Link } from '../shell/router';
import { Alert } from '../ui/Alert';
import { PageHeading, useDocumentTitle } from '../ui/page';
import type { RecoveryPageProps } from './IdentifierPage';
import { RecoveryForm } from './RecoveryForm';

export default function ForgotPasswordPage({ api, portal, focusHeading }: RecoveryPageProps) {
  const t = useT();
  const [sent, setSent] = useState(false);
  useDocumentTitle([t('title.forgotPassword'), t('app.serviceName'), portal?.institutionName]);
  return (
    <section className="card" aria-labelledby="forgot-password-heading">
      <PageHeading id="forgot-password-heading" focusOnMount={focusHeading}>
        {t('forgotPassword.heading')}
      </PageHeading>
      <p className="lead">{t('forgotPassword.intro')}</p>
      {sent ? (
        <Alert kind="success" role="status" focusOnMount>
          <p>{t('forgotPassword.sent')}</p>
        </Alert>
      ) : (
        <RecoveryForm
          api={api}
          idPrefix="forgot-password"
          headingId="forgot-password-heading"
          submitLabel={t('forgotPassword.submit')}
          onSubmit={async (request) => {
            await api.requestPasswordReset(request);
            setSent(true);
          }}
        />
      )}
      <p className="recovery__back">
        <Link to="home">{t('recovery.backToSignIn')}</Link>
      </p>
    </section>
  );
}
