/**
 * The "should we reply" rules of vacation auto-replies (RFC 3834 §2, RFC 5230 §4.5): a table of
 * cases, each naming the rule it exercises, and a property — over random combinations of window,
 * sender, header fields and recipients, the decision is a reply exactly when every rule allows one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HeaderField } from '../../lib/mime/index.js';
import {
  type IncomingMail,
  type NoReplyReason,
  type VacationWindow,
  vacationDecision,
} from './vacation-rules.js';

const NOW = Date.UTC(2026, 6, 15, 12, 0, 0);
const DAY = 86_400_000;
const OWN = new Set(['sylvie.dupont@ac-test.fr', 'direction@ac-test.fr']);
const ON: VacationWindow = { isEnabled: true, fromDate: NOW - DAY, toDate: NOW + DAY };

function mail(overrides: Partial<IncomingMail> = {}, headers: [string, string][] = []): IncomingMail {
  return {
    mailFrom: 'parent@example.org',
    headers: [
      { name: 'From', value: 'parent@example.org' },
      { name: 'To', value: 'sylvie.dupont@ac-test.fr' },
      ...headers.map(([name, value]): HeaderField => ({ name, value })),
    ],
    from: [{ name: '', address: 'parent@example.org' }],
    to: [{ name: '', address: 'sylvie.dupont@ac-test.fr' }],
    cc: [],
    ...overrides,
  };
}

describe('vacationDecision', () => {
  const cases: [string, VacationWindow, IncomingMail, true | NoReplyReason][] = [
    ['a personal message in the window', ON, mail(), true],
    [
      'Cc is personal too',
      ON,
      mail({ to: [], cc: [{ name: '', address: 'sylvie.dupont@ac-test.fr' }] }),
      true,
    ],
    [
      'an alias counts as the account',
      ON,
      mail({ to: [{ name: '', address: 'Direction@ac-test.fr' }] }),
      true,
    ],
    ['Auto-Submitted: no is a person', ON, mail({}, [['Auto-Submitted', 'no']]), true],
    ['Precedence: first-class is a person', ON, mail({}, [['Precedence', 'first-class']]), true],
    ['open-ended window', { isEnabled: true, fromDate: null, toDate: null }, mail(), true],
    ['disabled', { ...ON, isEnabled: false }, mail(), 'disabled'],
    ['before fromDate', { ...ON, fromDate: NOW + 1 }, mail(), 'outside_dates'],
    ['at toDate (excluded)', { ...ON, toDate: NOW }, mail(), 'outside_dates'],
    ['at fromDate (included)', { ...ON, fromDate: NOW }, mail(), true],
    ['null return path <>', ON, mail({ mailFrom: '' }), 'null_sender'],
    ['MAILER-DAEMON', ON, mail({ mailFrom: 'MAILER-DAEMON@example.org' }), 'system_sender'],
    ['owner-*', ON, mail({ mailFrom: 'owner-profs@lists.example.org' }), 'system_sender'],
    ['*-request', ON, mail({ mailFrom: 'profs-request@lists.example.org' }), 'system_sender'],
    ['LISTSERV', ON, mail({ mailFrom: 'listserv@example.org' }), 'system_sender'],
    ['majordomo', ON, mail({ mailFrom: 'Majordomo@example.org' }), 'system_sender'],
    ['no-reply', ON, mail({ mailFrom: 'no-reply@example.org' }), 'system_sender'],
    [
      'Auto-Submitted: auto-generated',
      ON,
      mail({}, [['Auto-Submitted', 'auto-generated']]),
      'auto_submitted',
    ],
    [
      'Auto-Submitted: auto-replied',
      ON,
      mail({}, [['auto-submitted', 'Auto-Replied; owner=x']]),
      'auto_submitted',
    ],
    ['Precedence: bulk', ON, mail({}, [['Precedence', 'bulk']]), 'precedence'],
    ['Precedence: list', ON, mail({}, [['Precedence', ' List ']]), 'precedence'],
    ['Precedence: junk', ON, mail({}, [['Precedence', 'junk']]), 'precedence'],
    ['List-Id', ON, mail({}, [['List-Id', '<profs.ac-test.fr>']]), 'list'],
    ['List-Unsubscribe', ON, mail({}, [['List-Unsubscribe', '<mailto:u@example.org>']]), 'list'],
    ['X-Auto-Response-Suppress: OOF', ON, mail({}, [['X-Auto-Response-Suppress', 'DR, OOF']]), 'suppressed'],
    ['from oneself (envelope)', ON, mail({ mailFrom: 'sylvie.dupont@ac-test.fr' }), 'self'],
    ['from oneself (From)', ON, mail({ from: [{ name: '', address: 'direction@ac-test.fr' }] }), 'self'],
    ['Bcc: not in To or Cc', ON, mail({ to: [{ name: '', address: 'profs@ac-test.fr' }] }), 'not_addressed'],
    ['filed as junk', ON, mail({ junk: true }), 'junk'],
  ];
  it.each(cases)('%s', (_name, window, incoming, expected) => {
    const decision = vacationDecision(window, NOW, incoming, OWN);
    expect(decision).toEqual(expected === true ? { reply: true } : { reply: false, reason: expected });
  });

  it('replies exactly when every rule allows it, whatever the combination', () => {
    const header = fc.constantFrom<[string, string] | null>(
      null,
      ['Auto-Submitted', 'no'],
      ['Auto-Submitted', 'auto-generated'],
      ['Auto-Submitted', 'auto-notified'],
      ['Precedence', 'bulk'],
      ['Precedence', 'normal'],
      ['List-Id', '<a.example.org>'],
      ['List-Post', '<mailto:a@example.org>'],
      ['X-Auto-Response-Suppress', 'All'],
      ['X-Mailer', 'Thunderbird'],
      ['Subject', 'Auto-Submitted: auto-generated'],
    );
    const sender = fc.constantFrom(
      '',
      'parent@example.org',
      'mailer-daemon@example.org',
      'liste-request@example.org',
      'sylvie.dupont@ac-test.fr',
      'collegue@ac-test.fr',
    );
    const recipient = fc.constantFrom('sylvie.dupont@ac-test.fr', 'DIRECTION@ac-test.fr', 'autre@ac-test.fr');
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: -3, max: 3 }),
        sender,
        fc.array(header, { maxLength: 3 }),
        fc.array(recipient, { maxLength: 2 }),
        fc.array(recipient, { maxLength: 2 }),
        fc.boolean(),
        (isEnabled, fromDays, toDays, mailFrom, fields, to, cc, junk) => {
          const window = { isEnabled, fromDate: NOW + fromDays * DAY, toDate: NOW + toDays * DAY };
          const headers = fields.flatMap((f) => (f ? [{ name: f[0], value: f[1] }] : []));
          const incoming: IncomingMail = {
            mailFrom,
            headers,
            from: mailFrom ? [{ name: '', address: mailFrom }] : [],
            to: to.map((address) => ({ name: '', address })),
            cc: cc.map((address) => ({ name: '', address })),
            junk,
          };
          const automatic = headers.some(
            ({ name, value }) =>
              (name === 'Auto-Submitted' && value !== 'no') ||
              (name === 'Precedence' && value === 'bulk') ||
              name.startsWith('List-') ||
              name === 'X-Auto-Response-Suppress',
          );
          const addressed = [...to, ...cc].some((a) => OWN.has(a.toLowerCase()));
          const expected =
            isEnabled &&
            fromDays <= 0 &&
            toDays > 0 &&
            ['parent@example.org', 'collegue@ac-test.fr'].includes(mailFrom) &&
            !automatic &&
            !junk &&
            addressed;
          expect(vacationDecision(window, NOW, incoming, OWN).reply).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
