/**
 * The pages' addresses: a few real paths handled with the History API (no router library). Most
 * pages are signed-in ones; the public ones (PUBLIC_ROUTES: account recovery) show whether or not
 * the visitor is signed in, outside the auth gate.
 *
 * Implementation notes
 * - The server answers every unknown non-API GET with index.html, so each path can be bookmarked,
 *   reloaded or opened in a new tab; signing in on such a path lands on its page.
 * - `Link` is a real `<a href>`: a modified or middle click keeps the browser's behaviour (new tab),
 *   a plain click navigates in place.
 * - A navigation moves keyboard focus to the new page's heading (the pages do it on mount when told
 *   `focusHeading`), as the auth pages already do, and scrolls back to the top.
 */
import {
  type AnchorHTMLAttributes,
  createContext,
  type MouseEvent,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';

export type Route =
  | 'home'
  | 'mail'
  | 'mailClientSetup'
  | 'identities'
  | 'vacation'
  | 'appPasswords'
  | 'passkeys'
  | 'sessions'
  | 'twoFactor'
  | 'password'
  | 'recoverIdentifier'
  | 'forgotPassword'
  | 'resetPassword';

/** Pages anyone may open, signed in or not (account recovery). */
export const PUBLIC_ROUTES: ReadonlySet<Route> = new Set([
  'recoverIdentifier',
  'forgotPassword',
  'resetPassword',
]);

export function isPublicRoute(route: Route): boolean {
  return PUBLIC_ROUTES.has(route);
}

const PATHS: Readonly<Record<Route, string>> = {
  home: '/',
  mail: '/courrier',
  mailClientSetup: '/parametres/logiciel-de-messagerie',
  identities: '/parametres/identites',
  vacation: '/parametres/absence',
  appPasswords: '/parametres/mots-de-passe-application',
  passkeys: '/parametres/cles-d-acces',
  sessions: '/parametres/sessions',
  twoFactor: '/parametres/verification-en-deux-etapes',
  password: '/parametres/mot-de-passe',
  recoverIdentifier: '/aide/identifiant',
  forgotPassword: '/aide/mot-de-passe-oublie',
  // The link mailed for a reset: its token follows in the fragment, which never reaches the server.
  resetPassword: '/aide/nouveau-mot-de-passe',
};

export function pathForRoute(route: Route): string {
  return PATHS[route];
}

/** The route of a location pathname (trailing slash ignored), or null for an unknown path. */
export function routeForPath(pathname: string): Route | null {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') || '/' : pathname;
  for (const [route, known] of Object.entries(PATHS) as [Route, string][]) {
    if (known === path) return route;
  }
  return null;
}

export interface Router {
  route: Route;
  /** How many in-app navigations happened since load or the last redirect (0: opened directly). */
  navigations: number;
  /**
   * Shows `route`. `replace` is a redirect (after signing out): the history entry is replaced and the
   * page counts as opened directly.
   */
  navigate: (route: Route, options?: { replace?: boolean }) => void;
}

function currentRoute(): Route {
  return routeForPath(window.location.pathname) ?? 'home';
}

/** The current route, kept in step with the address bar (including Back and Forward). */
export function useRouter(): Router {
  const [state, setState] = useState(() => ({ route: currentRoute(), navigations: 0 }));

  useEffect(() => {
    // An unknown path shows the home page; say so in the address bar rather than keep a dead URL.
    if (routeForPath(window.location.pathname) === null) window.history.replaceState(null, '', PATHS.home);
    const onPopState = () => setState((s) => ({ route: currentRoute(), navigations: s.navigations + 1 }));
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  const navigate = useCallback((route: Route, options: { replace?: boolean } = {}) => {
    const path = PATHS[route];
    if (window.location.pathname !== path) {
      if (options.replace) window.history.replaceState(null, '', path);
      else window.history.pushState(null, '', path);
    }
    window.scrollTo(0, 0);
    setState((s) => ({ route, navigations: options.replace ? 0 : s.navigations + 1 }));
  }, []);

  return useMemo(() => ({ ...state, navigate }), [state, navigate]);
}

const NavigateContext = createContext<Router['navigate'] | null>(null);

export const NavigationProvider = NavigateContext.Provider;

export interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: Route;
}

/** An in-app link: a real anchor whose plain left click navigates without reloading the page. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const navigate = useContext(NavigateContext);
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (!navigate || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={PATHS[to]} onClick={handleClick} {...rest} />;
}
