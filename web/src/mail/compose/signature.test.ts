import { describe, expect, it } from 'vitest';
import { insertSignature, signatureParagraph, swapSignature } from './signature';

const reply = {
  text: '\n\nLe 3 mars, Jean a écrit :\n> Bonjour\n> à demain\n',
  html: '<p></p><p>Le 3 mars, Jean a écrit :</p><blockquote>Bonjour<br>à demain</blockquote>',
};

describe('signatures in the composer', () => {
  it('adds the signature after "-- " at the end of a new message', () => {
    expect(insertSignature({ text: '', html: '' }, 'Sylvie Dupont\nCPE\n')).toEqual({
      text: '\n\n-- \nSylvie Dupont\nCPE',
      html: '<p></p><p>-- <br>Sylvie Dupont<br>CPE</p>',
    });
    expect(insertSignature({ text: 'Bonjour', html: null }, 'S.')).toEqual({
      text: 'Bonjour\n\n-- \nS.',
      html: null,
    });
    expect(insertSignature({ text: 'x', html: null }, '  \n')).toEqual({ text: 'x', html: null });
  });

  it('puts it above the quoted original of a reply', () => {
    const signed = insertSignature(reply, 'Sylvie');
    expect(signed.text).toBe('\n\n-- \nSylvie\n\nLe 3 mars, Jean a écrit :\n> Bonjour\n> à demain\n');
    expect(signed.html).toBe(
      '<p></p><p>-- <br>Sylvie</p><p>Le 3 mars, Jean a écrit :</p><blockquote>Bonjour<br>à demain</blockquote>',
    );
  });

  it('escapes the signature in HTML', () => {
    expect(signatureParagraph('<b>&</b>')).toBe('<p>-- <br>&#60;b&#62;&#38;&#60;/b&#62;</p>');
  });

  it('swaps one signature for another, or takes it out', () => {
    const signed = insertSignature(reply, 'Sylvie');
    const swapped = swapSignature(signed, 'Sylvie', 'Vie scolaire\nCollège');
    expect(swapped.text).toBe(
      '\n\n-- \nVie scolaire\nCollège\n\nLe 3 mars, Jean a écrit :\n> Bonjour\n> à demain\n',
    );
    expect(swapped.html).toContain('<p>-- <br>Vie scolaire<br>Collège</p><p>Le 3 mars');
    const removed = swapSignature(swapped, 'Vie scolaire\nCollège', '');
    expect(removed.text).toBe('\n\nLe 3 mars, Jean a écrit :\n> Bonjour\n> à demain\n');
    expect(removed.html).toBe(reply.html);
    expect(swapSignature(removed, '', 'Sylvie')).toEqual(signed);
  });

  it('leaves a signature edited by hand and adds the new one', () => {
    const body = { text: 'Bonjour\n\n-- \nSylvie (modifiée)', html: null };
    expect(swapSignature(body, 'Sylvie', 'Paul').text).toBe('Bonjour\n\n-- \nSylvie (modifiée)\n\n-- \nPaul');
  });

  it('finds the paragraph as the rich editor gives it back', () => {
    const body = { text: 'Salut\n\n-- \nA', html: '<p>Salut</p><p>--&nbsp;<br>A</p>' };
    expect(swapSignature(body, 'A', 'B')).toEqual({
      text: 'Salut\n\n-- \nB',
      html: '<p>Salut</p><p>-- <br>B</p>',
    });
  });
});
