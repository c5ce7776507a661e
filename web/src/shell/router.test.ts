import { describe, expect, it } from 'vitest';
import { isPublicRoute, pathForRoute, routeForPath } from './router';

describe('routeForPath', () => {
  it('knows the home page and the mail client set-up page, with or without a trailing slash', () => {
    expect(routeForPath('/')).toBe('home');
    expect(routeForPath(pathForRoute('mailClientSetup'))).toBe('mailClientSetup');
    expect(routeForPath(`${pathForRoute('mailClientSetup')}/`)).toBe('mailClientSetup');
    expect(routeForPath('//')).toBe('home');
  });

  it('answers null for any other path', () => {
    expect(routeForPath('/parametres')).toBeNull();
    expect(routeForPath('/PARAMETRES/LOGICIEL-DE-MESSAGERIE')).toBeNull();
    expect(routeForPath('/index.html')).toBeNull();
  });
});

describe('public routes', () => {
  it('are the recovery pages, under French paths, and nothing else', () => {
    expect(routeForPath('/aide/identifiant')).toBe('recoverIdentifier');
    expect(routeForPath('/aide/mot-de-passe-oublie/')).toBe('forgotPassword');
    expect(routeForPath('/aide/nouveau-mot-de-passe')).toBe('resetPassword');
    for (const route of ['recoverIdentifier', 'forgotPassword', 'resetPassword'] as const) {
      expect(isPublicRoute(route)).toBe(true);
    }
    for (const route of ['home', 'mail', 'password', 'sessions'] as const)
      expect(isPublicRoute(route)).toBe(false);
  });
});
