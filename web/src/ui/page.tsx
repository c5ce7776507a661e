import { type ReactNode, useEffect, useRef } from 'react';

/** Sets `document.title` ("Connexion – Messagerie – Académie d'exemple"), RGAA 8.6. */
export function useDocumentTitle(parts: readonly (string | undefined)[]): void {
  const title = parts.filter(Boolean).join(' – ');
  useEffect(() => {
    document.title = title;
  }, [title]);
}

export interface PageHeadingProps {
  children: ReactNode;
  /** Focus the heading when the page replaces another one, so screen readers start at the new page. */
  focusOnMount?: boolean;
  id?: string;
}

export function PageHeading({ children, focusOnMount = false, id }: PageHeadingProps) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnMount) ref.current?.focus();
  }, [focusOnMount]);
  return (
    <h1 ref={ref} id={id} className="page-heading" tabIndex={-1}>
      {children}
    </h1>
  );
}
