import { describe, expect, it } from 'vitest';
import {
  asAddresses,
  asDate,
  asGroupedAddresses,
  asMessageIds,
  asText,
  asURLs,
  headerFormValue,
  readHeaderFields,
} from './header-forms.js';

const message = Buffer.from(
  [
    'From: =?UTF-8?Q?=C3=89lo=C3=AFse_B=C3=A9renger?= <eloise@ac-test.fr>',
    'To: Conseil: "Dupont, Sylvie" <sylvie.dupont@ac-test.fr>, jean@ac-test.fr;, paul@ac-test.fr',
    'Subject: =?ISO-8859-1?Q?R=E9union?= du',
    '  conseil',
    'X-Tag: un',
    'X-Tag: deux',
    'Date: Mon, 2 Mar 2026 09:15:00 +0100',
    '',
    'Subject: not a header, the body',
    '',
  ].join('\r\n'),
);

describe('readHeaderFields', () => {
  it('reads every field as written, folding kept, up to the empty line', () => {
    const fields = readHeaderFields(message);
    expect(fields.map((f) => f.name)).toEqual(['From', 'To', 'Subject', 'X-Tag', 'X-Tag', 'Date']);
    expect(fields[2]?.value).toBe(' =?ISO-8859-1?Q?R=E9union?= du\r\n  conseil');
    expect(fields[3]?.value).toBe(' un');
  });

  it('ends the block at a line that is not a field, keeps 8-bit UTF-8, skips an mbox line', () => {
    const raw = Buffer.from('From x@y Mon Mar  2 2026\nSubject: Café\nthis is the body\nX: y\n');
    expect(readHeaderFields(raw)).toEqual([{ name: 'Subject', value: ' Café' }]);
  });

  it('reads a part header between offsets, and nothing from an empty range', () => {
    const start = message.indexOf('X-Tag');
    const end = message.indexOf('Date:');
    expect(readHeaderFields(message, start, end).map((f) => f.value)).toEqual([' un', ' deux']);
    expect(readHeaderFields(message, 5, 5)).toEqual([]);
    expect(readHeaderFields(message, 10_000, 20_000)).toEqual([]);
  });
});

describe('header forms (RFC 8621 §4.1.2)', () => {
  it('Text: unfolded, trimmed, encoded words decoded, NFC', () => {
    expect(asText(' =?ISO-8859-1?Q?R=E9union?= du\r\n  conseil')).toBe('Réunion du  conseil');
    expect(asText(' Cafe\u0301 ')).toBe('Café');
    expect(asText('=?UTF-8?B?w6l0w6k=?= =?UTF-8?B?IMOgIEx5b24=?=')).toBe('été à Lyon');
  });

  it('Addresses: groups flattened, names decoded, no name is null', () => {
    expect(asAddresses(' =?UTF-8?Q?=C3=89lo=C3=AFse_B=C3=A9renger?= <eloise@ac-test.fr>')).toEqual([
      { name: 'Éloïse Bérenger', email: 'eloise@ac-test.fr' },
    ]);
    expect(
      asAddresses('Conseil: "Dupont, Sylvie" <sylvie.dupont@ac-test.fr>, jean@ac-test.fr;, paul@ac-test.fr'),
    ).toEqual([
      { name: 'Dupont, Sylvie', email: 'sylvie.dupont@ac-test.fr' },
      { name: null, email: 'jean@ac-test.fr' },
      { name: null, email: 'paul@ac-test.fr' },
    ]);
    expect(asAddresses('')).toEqual([]);
  });

  it('GroupedAddresses: named groups, and runs of ungrouped addresses under null', () => {
    expect(
      asGroupedAddresses('a@x.fr, b@x.fr, Conseil: "Dupont, Sylvie" <s@x.fr>, j@x.fr;, p@x.fr, Vide:;'),
    ).toEqual([
      {
        name: null,
        addresses: [
          { name: null, email: 'a@x.fr' },
          { name: null, email: 'b@x.fr' },
        ],
      },
      {
        name: 'Conseil',
        addresses: [
          { name: 'Dupont, Sylvie', email: 's@x.fr' },
          { name: null, email: 'j@x.fr' },
        ],
      },
      { name: null, addresses: [{ name: null, email: 'p@x.fr' }] },
      { name: 'Vide', addresses: [] },
    ]);
    expect(asGroupedAddresses('=?UTF-8?Q?=C3=89quipe?=: a@x.fr;')).toEqual([
      { name: 'Équipe', addresses: [{ name: null, email: 'a@x.fr' }] },
    ]);
  });

  it('MessageIds: without brackets, null when none', () => {
    expect(asMessageIds(' <a@x.fr>\r\n <b@y.fr> (comment)')).toEqual(['a@x.fr', 'b@y.fr']);
    expect(asMessageIds('   ')).toBeNull();
  });

  it('Date: the instant in UTC, null when unreadable', () => {
    expect(asDate(' Mon, 2 Mar 2026 09:15:00 +0100')).toBe('2026-03-02T08:15:00Z');
    expect(asDate(' Mon, 2 Mar\r\n 2026 09:15 (CET)')).toBe('2026-03-02T09:15:00Z');
    expect(asDate('demain')).toBeNull();
  });

  it('URLs: the <…> items of an RFC 2369 list, blanks inside removed, null when none', () => {
    expect(
      asURLs(' <mailto:list-request@x.fr?subject=unsubscribe>,\r\n <https://x.fr/un\r\n sub> (web)'),
    ).toEqual(['mailto:list-request@x.fr?subject=unsubscribe', 'https://x.fr/unsub']);
    expect(asURLs(' NO (posting not allowed)')).toBeNull();
  });

  it('Raw is the value as given', () => {
    expect(headerFormValue(' a\r\n b', 'Raw')).toBe(' a\r\n b');
    expect(headerFormValue(' a\r\n b', 'Text')).toBe('a b');
  });
});
