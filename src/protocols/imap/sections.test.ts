import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../lib/mime/index.js';
import { extractSection, partial, type Section } from './sections.js';

const raw = Buffer.from(
  [
    'From: a@example.org',
    'To: b@ac-test.fr,',
    '  c@ac-test.fr',
    'Subject: Sortie',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'Rendez-vous à 8 h.',
    '--b',
    'Content-Type: message/rfc822',
    '',
    'Subject: inner',
    '',
    'Inner body',
    '--b--',
    '',
  ].join('\r\n'),
  'utf8',
);
const { root } = parseMessage(raw);
const section = (part: string, text: Section['text'] = null, fields: string[] = []) =>
  extractSection(raw, root, { part, text, fields }).toString('utf8');

describe('BODY[section]', () => {
  it('gives the whole message, its header and its text', () => {
    expect(section('')).toBe(raw.toString('utf8'));
    expect(section('', 'HEADER')).toMatch(/^From: a@example.org\r\n[\s\S]*boundary="b"\r\n\r\n$/);
    expect(section('', 'TEXT')).toMatch(/^--b\r\n[\s\S]*--b--\r\n$/);
  });

  it('gives parts by number, their MIME header, and a nested message’s header and text', () => {
    expect(section('1')).toBe('Rendez-vous à 8 h.');
    expect(section('1', 'MIME')).toBe('Content-Type: text/plain\r\n\r\n');
    expect(section('2', 'HEADER')).toBe('Subject: inner\r\n\r\n');
    expect(section('2', 'TEXT')).toBe('Inner body');
    expect(section('2.1')).toBe('Inner body');
  });

  it('selects header fields, keeping folding, case-insensitively, with the blank line', () => {
    expect(section('', 'HEADER.FIELDS', ['to', 'SUBJECT'])).toBe(
      'To: b@ac-test.fr,\r\n  c@ac-test.fr\r\nSubject: Sortie\r\n\r\n',
    );
    expect(section('', 'HEADER.FIELDS.NOT', ['to', 'content-type', 'subject'])).toBe(
      'From: a@example.org\r\n\r\n',
    );
    expect(section('', 'HEADER.FIELDS', ['x-absent'])).toBe('\r\n');
  });

  it('gives an empty string for a section that names nothing', () => {
    expect(section('3')).toBe('');
    expect(section('1', 'HEADER')).toBe('');
    expect(section('', 'MIME')).toBe('');
  });

  it('slices partial fetches and gives nothing past the end', () => {
    const bytes = Buffer.from('0123456789');
    expect(partial(bytes, 2, 3).toString()).toBe('234');
    expect(partial(bytes, 8, 100).toString()).toBe('89');
    expect(partial(bytes, 10, 1).toString()).toBe('');
    expect(partial(bytes, 0, null).toString()).toBe('0123456789');
  });
});
