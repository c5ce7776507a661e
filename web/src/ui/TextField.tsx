import type { InputHTMLAttributes, ReactNode, Ref } from 'react';

export interface TextFieldProps
  extends Omit<
    InputHTMLAttributes<HTMLInputElement>,
    'id' | 'aria-describedby' | 'aria-invalid' | 'className'
  > {
  id: string;
  label: string;
  /** Help shown under the label and read after it (aria-describedby). */
  description?: ReactNode;
  /** Error for this field; sets aria-invalid and is read with the field. */
  error?: string;
  /** Content after the input inside the same row (e.g. the show/hide button of a password). */
  adornment?: ReactNode;
  inputRef?: Ref<HTMLInputElement>;
  /** Extra ids appended to aria-describedby (e.g. a live checklist). */
  describedBy?: string;
}

/** Labelled input; label, description and error wired for assistive technologies (RGAA 11.1, 11.10). */
export function TextField({
  id,
  label,
  description,
  error,
  adornment,
  inputRef,
  describedBy,
  type = 'text',
  ...inputProps
}: TextFieldProps) {
  const descriptionId = description ? `${id}-description` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedByIds = [errorId, descriptionId, describedBy].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label className="field__label" htmlFor={id} id={`${id}-label`}>
        {label}
      </label>
      {description ? (
        <p className="field__description" id={descriptionId}>
          {description}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
      <div className="field__control">
        <input
          {...inputProps}
          ref={inputRef}
          id={id}
          type={type}
          className="field__input"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedByIds}
        />
        {adornment}
      </div>
    </div>
  );
}
