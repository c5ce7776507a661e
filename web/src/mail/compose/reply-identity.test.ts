import { describe, expect, it } from 'vitest';
import type { Identity } from '../jmap/types';
import { replyIdentity } from './reply-identity';

const identity = (id: string, email: string): Identity => ({ id, email, name: '' });

describe('replyIdentity', () => {
  const mine = [identity('p', 'camille.martin@ac-test.fr'), identity('s', 'Secretariat@ac-test.fr')];

  it('answers from the address the message was sent to, in To or Cc, whatever its case', () => {
    expect(replyIdentity(mine, { to: [{ name: null, email: 'secretariat@AC-TEST.fr' }] })?.id).toBe('s');
    expect(
      replyIdentity(mine, {
        to: [{ name: null, email: 'parent@example.org' }],
        cc: [{ name: null, email: 'camille.martin@ac-test.fr' }],
      })?.id,
    ).toBe('p');
  });

  it('falls back to the first identity (Bcc, a list) and to none when there are none', () => {
    expect(replyIdentity(mine, { to: [{ name: null, email: 'liste@ac-test.fr' }] })?.id).toBe('p');
    expect(replyIdentity(mine, { to: null })?.id).toBe('p');
    expect(replyIdentity([], { to: null })).toBeUndefined();
  });
});
