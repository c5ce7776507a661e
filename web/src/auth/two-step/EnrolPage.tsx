import { useCallback, useState } from 'react';
import type { PortalInfo, SessionInfo } from '../../../../common/api.js';
import type { FacteurApi } from '../../api/facteur-api';
import { useT } from '../../i18n/locale-context';
import { usePageT } from '../../i18n/page-messages';
import { PageHeading, useDocumentTitle } from '../../ui/page';
import { twoStepMessages } from './messages';
import './two-step.css';
import { RecoveryCodesPanel } from './RecoveryCodesPanel';
import { TotpSetupPanel } from './TotpSetupPanel';

export interface EnrolPageProps {
  api: FacteurApi;
  portal: PortalInfo | null;
  focusHeading: boolean;
  onSignedIn: (session: SessionInfo) => void;
}

/**
 * The forced enrolment of a profile that requires two-step verification: between the password and
 * the session, the authenticator app is set up, then the recovery codes shown; the session is open
 * once the codes are dismissed.
 */
export default function EnrolPage({ api, portal, focusHeading, onSignedIn }: EnrolPageProps) {
  const t = usePageT(twoStepMessages);
  const tMain = useT();
  const [done, setDone] = useState<{ session: SessionInfo; codes: string[] } | null>(null);
  useDocumentTitle([t('enrol.title'), tMain('app.serviceName'), portal?.institutionName]);

  const start = useCallback(() => api.startEnrolment(), [api]);
  const confirm = useCallback(
    async (code: string) => {
      const answer = await api.confirmEnrolment(code);
      setDone({ session: answer.session, codes: answer.recoveryCodes });
    },
    [api],
  );

  return (
    <div className="two-step-enrol">
      <section className="card card--wide" aria-labelledby="enrol-heading">
        <PageHeading id="enrol-heading" focusOnMount={focusHeading}>
          {t('enrol.title')}
        </PageHeading>
        {done ? (
          <RecoveryCodesPanel
            codes={done.codes}
            address={done.session.account.address}
            justEnabled
            doneLabel={t('enrol.done.continue')}
            onDone={() => onSignedIn(done.session)}
          />
        ) : (
          <>
            <p className="lead">{t('enrol.intro')}</p>
            <TotpSetupPanel start={start} confirm={confirm} />
          </>
        )}
      </section>
    </div>
  );
}
