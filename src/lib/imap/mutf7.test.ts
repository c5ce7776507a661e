/**
 * Modified UTF-7 (RFC 3501 §5.1.3) on the RFC's own examples and on each invalid form.
 */
import { describe, expect, it } from 'vitest';
import { decodeMutf7, encodeMutf7, isValidMutf7, Mutf7Error } from './index.js';

describe('modified UTF-7, RFC 3501 §5.1.3 examples', () => {
  it('~peter/mail/&U,BTFw-/&ZeVnLIqe- is ~peter/mail/台北/日本語', () => {
    expect(decodeMutf7('~peter/mail/&U,BTFw-/&ZeVnLIqe-')).toBe('~peter/mail/台北/日本語');
    expect(encodeMutf7('~peter/mail/台北/日本語')).toBe('~peter/mail/&U,BTFw-/&ZeVnLIqe-');
  });

  it('&Jjo-! is ☺! and &Jjo! is invalid (no shift back before "!")', () => {
    expect(decodeMutf7('&Jjo-!')).toBe('☺!');
    expect(encodeMutf7('☺!')).toBe('&Jjo-!');
    expect(() => decodeMutf7('&Jjo!')).toThrow(Mutf7Error);
  });

  it('Hi Mom -&Jjo--! is Hi Mom -☺-!', () => {
    expect(decodeMutf7('Hi Mom -&Jjo--!')).toBe('Hi Mom -☺-!');
    expect(encodeMutf7('Hi Mom -☺-!')).toBe('Hi Mom -&Jjo--!');
  });

  it('&U,BTFw-&ZeVnLIqe- has a superfluous shift; the correct form is &U,BTF2XlZyyKng-', () => {
    expect(() => decodeMutf7('&U,BTFw-&ZeVnLIqe-')).toThrow(/adjacent encoded runs/);
    expect(decodeMutf7('&U,BTF2XlZyyKng-')).toBe('台北日本語');
    expect(encodeMutf7('台北日本語')).toBe('&U,BTF2XlZyyKng-');
  });

  it('& is &- and printable ASCII stands for itself', () => {
    expect(encodeMutf7('Tom & Jerry')).toBe('Tom &- Jerry');
    expect(decodeMutf7('Tom &- Jerry')).toBe('Tom & Jerry');
    expect(decodeMutf7('&-&Jjo-')).toBe('&☺');
    expect(encodeMutf7('')).toBe('');
  });

  it('encodes controls, astral characters and lone surrogates', () => {
    expect(encodeMutf7('a\tb')).toBe('a&AAk-b');
    expect(decodeMutf7('a&AAk-b')).toBe('a\tb');
    expect(decodeMutf7(encodeMutf7('😀 ok'))).toBe('😀 ok');
    expect(encodeMutf7('\ud800x')).toBe(encodeMutf7('\ufffdx'));
  });
});

describe('modified UTF-7 strict decoding rejects', () => {
  it.each([
    ['8-bit characters', 'caf\u00e9', /outside printable ASCII/],
    ['control characters', 'a\tb', /outside printable ASCII/],
    ['a run without "-"', '&Jjo', /without closing/],
    ['characters outside the alphabet', '&Jj/-', /invalid character/],
    ['padding', '&Jjo=-', /invalid character/],
    ['an odd byte count', '&AA-', /odd number of bytes/],
    ['an odd byte count (3)', '&AAAA-', /odd number of bytes/],
    ['a lone BASE64 character', '&A-', /non-minimal/],
    ['a non-minimal run (extra character)', '&JjoA-', /odd number of bytes|non-minimal/],
    ['a non-minimal run (6 zero bits)', '&AAkACQAJA-', /non-minimal/],
    ['non-zero padding bits', '&Jjp-', /padding bits/],
    ['encoded printable ASCII', '&AGEAYg-', /encoded printable ASCII/],
    ['encoded "&"', '&ACY-', /encoded printable ASCII/],
    ['an unpaired high surrogate', '&2D0-', /unpaired surrogate/],
    ['an unpaired low surrogate', '&3gA-', /unpaired surrogate/],
    ['a surrogate pair split over two runs', '&2D0-&3gA-', /adjacent|unpaired/],
  ])('%s', (_name, input, message) => {
    expect(() => decodeMutf7(input)).toThrow(message);
    expect(isValidMutf7(input)).toBe(false);
  });
});

describe('modified UTF-7 lenient decoding', () => {
  it('decodes what it can and keeps the rest verbatim, never throwing', () => {
    expect(decodeMutf7('&U,BTFw-&ZeVnLIqe-', { lenient: true })).toBe('台北日本語');
    expect(decodeMutf7('&AGEAYg-', { lenient: true })).toBe('ab');
    expect(decodeMutf7('&Jjo', { lenient: true })).toBe('&Jjo');
    expect(decodeMutf7('&Jj/-x', { lenient: true })).toBe('&Jj/-x');
    expect(decodeMutf7('&2D0-', { lenient: true })).toBe('\ufffd');
    expect(decodeMutf7('café', { lenient: true })).toBe('café');
  });
});
