import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './index.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info', destination }) };
}

describe('createLogger', () => {
  it('redacts secrets at any depth it is likely to meet them', () => {
    const { lines, log } = capture();
    log.info(
      {
        password: 'p1',
        body: { newPassword: 'p2', numen: '13CHARSNUMEN1' },
        req: { headers: { cookie: 'facteur_session=abc' } },
      },
      'x',
    );
    const text = lines.join('');
    expect(text).not.toContain('p1');
    expect(text).not.toContain('p2');
    expect(text).not.toContain('13CHARSNUMEN1');
    expect(text).not.toContain('facteur_session=abc');
    expect(text.match(/\[redacted\]/g)?.length).toBe(4);
  });
});
