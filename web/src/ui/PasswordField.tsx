import { useState } from 'react';
import { useT } from '../i18n/locale-context';
import { TextField, type TextFieldProps } from './TextField';

export type PasswordFieldProps = Omit<TextFieldProps, 'type' | 'adornment'> & {
  autoComplete: 'current-password' | 'new-password';
};

/**
 * Password input with a show/hide button. The button's name is only "Afficher"/"Masquer" (so that
 * looking a field up by the label "Mot de passe" finds the input alone); the field it controls is
 * given by aria-controls and read as its description.
 */
export function PasswordField({ id, ...rest }: PasswordFieldProps) {
  const t = useT();
  const [visible, setVisible] = useState(false);
  return (
    <TextField
      {...rest}
      id={id}
      type={visible ? 'text' : 'password'}
      spellCheck={false}
      autoCapitalize="none"
      autoCorrect="off"
      adornment={
        <button
          type="button"
          className="field__toggle"
          aria-controls={id}
          aria-describedby={`${id}-label`}
          onClick={() => setVisible((v) => !v)}
        >
          <EyeIcon crossed={visible} />
          <span>{visible ? t('password.hide') : t('password.show')}</span>
        </button>
      }
    />
  );
}

function EyeIcon({ crossed }: { crossed: boolean }) {
  return (
    <svg className="field__toggle-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M12 5C6.5 5 2.7 9.1 1.5 12c1.2 2.9 5 7 10.5 7s9.3-4.1 10.5-7C21.3 9.1 17.5 5 12 5zm0 11.5a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9zm0-7a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z"
      />
      {crossed ? <path stroke="currentColor" strokeWidth="2" d="M3 3l18 18" /> : null}
    </svg>
  );
}
