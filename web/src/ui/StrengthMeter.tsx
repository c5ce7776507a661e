import type { PasswordScore, PasswordSuggestion } from '../../../common/password-policy.js';
import { useT } from '../i18n/locale-context';
import type { MessageId } from '../i18n/translate';

export interface StrengthMeterProps {
  id: string;
  /** null while the field is empty. */
  score: PasswordScore | null;
  suggestions: readonly PasswordSuggestion[];
}

/**
 * zxcvbn score 0–4 as a four-segment bar (decorative) and a text level (the information). Not a live
 * region: the change-password page announces a debounced summary instead of every keystroke.
 */
export function StrengthMeter({ id, score, suggestions }: StrengthMeterProps) {
  const t = useT();
  const level = score === null ? null : t(`strength.${score}` as MessageId);
  return (
    <div className="strength" id={id}>
      <p className="strength__label">
        {score === null ? (
          t('strength.empty')
        ) : (
          <>
            {t('strength.label')} <strong>{level}</strong>
          </>
        )}
      </p>
      <div className={`strength__bar strength__bar--${score ?? 'none'}`} aria-hidden="true">
        <span />
        <span />
        <span />
        <span />
      </div>
      {suggestions.length > 0 ? (
        <div className="strength__advice">
          <p className="strength__advice-title">{t('strength.suggestions')}</p>
          <ul>
            {suggestions.map((s) => (
              <li key={s}>{t(`suggestion.${s}` as MessageId)}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
