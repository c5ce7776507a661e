import { type ReactNode, useEffect, useRef } from 'react';

export type AlertKind = 'error' | 'warning' | 'info' | 'success';

export interface AlertProps {
  kind: AlertKind;
  /** `alert` for errors the user must act on (assertive); `status` for confirmations (polite). */
  role?: 'alert' | 'status';
  title?: string;
  children?: ReactNode;
  /** Move keyboard focus to the alert when it appears (form errors), so the user lands on the message. */
  focusOnMount?: boolean;
  id?: string;
}

/**
 * A message box announced by screen readers. To announce the same message again (a second failed
 * attempt), re-mount it with a new React `key`.
 */
export function Alert({
  kind,
  role = kind === 'error' ? 'alert' : 'status',
  title,
  children,
  focusOnMount,
  id,
}: AlertProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusOnMount) ref.current?.focus();
  }, [focusOnMount]);
  return (
    <div
      ref={ref}
      id={id}
      role={role}
      className={`alert alert--${kind}`}
      tabIndex={focusOnMount ? -1 : undefined}
    >
      <AlertIcon kind={kind} />
      <div className="alert__body">
        {title ? <p className="alert__title">{title}</p> : null}
        {children}
      </div>
    </div>
  );
}

function AlertIcon({ kind }: { kind: AlertKind }) {
  const path =
    kind === 'success'
      ? 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z'
      : kind === 'info'
        ? 'M11 7h2v2h-2zm0 4h2v6h-2zm1-9a10 10 0 1 0 0 20 10 10 0 0 0 0-20z'
        : 'M11 15h2v2h-2zm0-8h2v6h-2zm1-5a10 10 0 1 0 0 20 10 10 0 0 0 0-20z';
  return (
    <svg className="alert__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={path} fill="currentColor" />
    </svg>
  );
}
