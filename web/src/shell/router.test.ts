import { describe, expect, it } from 'vitest';
import { pathForRoute, routeForPath } from './router';

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
