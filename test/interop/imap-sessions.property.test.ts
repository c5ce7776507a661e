/**
 * Two IMAP sessions on one mailbox under random interleavings: B appends, flags and expunges while A
 * runs NOOP (expunges may be reported), FETCH (they must be held back) or its own STORE. A's picture
 * of the mailbox is rebuilt only from what the server told it (EXISTS, EXPUNGE, FETCH FLAGS); at the
 * end it must equal a fresh listing: same UIDs at the same sequence numbers, and the same flags for
 * every message whose flags A was told. This checks the incremental view refresh (change log) that
 * keeps sessions small, against the rules of RFC 9051 §7.5.1.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/facteur.js';
import { ImapTestClient } from '../helpers/imap-client.js';

const PASSWORD = 'Motdepasse-solide-2026!';
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
  await t.addUser('Sylvie', 'Dupont', '--password', PASSWORD);
  await t.server.facteur.ctx.db.updateTable('accounts').set({ must_change_password: 0 }).execute();
}, 60_000);

afterAll(async () => {
  await t.close();
});

interface Known {
  uid: number | null;
  flags: string | null;
}

/** Applies the untagged responses in `text` to A's picture. */
function apply(model: Known[], text: string): void {
  for (const line of text.split('\r\n')) {
    let match = /^\* (\d+) EXISTS$/.exec(line);
    if (match) {
      while (model.length < Number(match[1])) model.push({ uid: null, flags: null });
      continue;
    }
    match = /^\* (\d+) EXPUNGE$/.exec(line);
    if (match) {
      model.splice(Number(match[1]) - 1, 1);
      continue;
    }
    match = /^\* (\d+) FETCH \((.*)\)$/.exec(line);
    if (match) {
      const entry = model[Number(match[1]) - 1];
      if (!entry) throw new Error(`FETCH for a sequence number A does not know: ${line}`);
      const uid = /UID (\d+)/.exec(match[2] as string);
      const flags = /FLAGS \(([^)]*)\)/.exec(match[2] as string);
      if (uid) {
        if (entry.uid !== null && entry.uid !== Number(uid[1])) throw new Error(`UID moved: ${line}`);
        entry.uid = Number(uid[1]);
      }
      if (flags) entry.flags = normalise(flags[1] as string);
    }
  }
}

function normalise(flags: string): string {
  return flags.split(' ').filter(Boolean).sort().join(' ');
}

type Op =
  | { who: 'B'; kind: 'append'; seen: boolean }
  | { who: 'B'; kind: 'flag'; pick: number; add: boolean; flag: string }
  | { who: 'B'; kind: 'expunge'; pick: number }
  | { who: 'A'; kind: 'noop' | 'fetch' | 'store'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ who: fc.constant('B' as const), kind: fc.constant('append' as const), seen: fc.boolean() }),
  fc.record({
    who: fc.constant('B' as const),
    kind: fc.constant('flag' as const),
    pick: fc.nat(),
    add: fc.boolean(),
    flag: fc.constantFrom('\\Seen', '\\Flagged', '\\Answered', '$Important'),
  }),
  fc.record({ who: fc.constant('B' as const), kind: fc.constant('expunge' as const), pick: fc.nat() }),
  fc.record({
    who: fc.constant('A' as const),
    kind: fc.constantFrom('noop' as const, 'fetch' as const, 'store' as const),
    pick: fc.nat(),
  }),
);

async function uidsOf(client: ImapTestClient): Promise<number[]> {
  const answer = await client.command('UID SEARCH ALL');
  const line = /^\* SEARCH([\d ]*)\r\n/m.exec(answer);
  return (line?.[1] ?? '').trim().split(' ').filter(Boolean).map(Number);
}

describe('two sessions on one mailbox', () => {
  it('keep sequence numbers and flags consistent whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const a = await ImapTestClient.open(t.server.imapsPort, { tls: true });
        const b = await ImapTestClient.open(t.server.imapsPort, { tls: true });
        try {
          await b.command(`LOGIN sdupont "${PASSWORD}"`);
          await b.command('SELECT INBOX');
          // A fresh start: the previous run's messages go, two remain to work on.
          await b.command('STORE 1:* +FLAGS.SILENT (\\Deleted)');
          await b.command('EXPUNGE');
          for (let i = 0; i < 2; i++) await b.command('APPEND INBOX {20+}\r\nSubject: depart\r\n\r\nx');
          await a.command(`LOGIN sdupont "${PASSWORD}"`);
          const model: Known[] = [];
          apply(model, await a.command('SELECT INBOX'));
          apply(model, await a.command('FETCH 1:* (UID FLAGS)'));
          await b.command('NOOP');
          for (const step of ops) {
            if (step.who === 'B') {
              const uids = await uidsOf(b);
              const uid = 'pick' in step ? uids[step.pick % Math.max(1, uids.length)] : undefined;
              if (step.kind === 'append') {
                const flags = step.seen ? '(\\Seen) ' : '';
                await b.command(`APPEND INBOX ${flags}{19+}\r\nSubject: autre\r\n\r\ny`);
              } else if (uid !== undefined && step.kind === 'flag') {
                await b.command(`UID STORE ${uid} ${step.add ? '+' : '-'}FLAGS.SILENT (${step.flag})`);
              } else if (uid !== undefined && step.kind === 'expunge') {
                await b.command(`UID STORE ${uid} +FLAGS.SILENT (\\Deleted)`);
                await b.command(`UID EXPUNGE ${uid}`);
              }
            } else {
              const seq = (step.pick % Math.max(1, model.length)) + 1;
              if (step.kind === 'noop') apply(model, await a.command('NOOP'));
              else if (model.length === 0) continue;
              else if (step.kind === 'fetch') {
                const answer = await a.command(`FETCH ${seq} (UID FLAGS)`);
                // No EXPUNGE during FETCH (RFC 9051 §7.5.1).
                expect(answer).not.toMatch(/EXPUNGE/);
                apply(model, answer);
              } else {
                const answer = await a.command(`STORE ${seq} +FLAGS (\\Flagged)`);
                expect(answer).not.toMatch(/EXPUNGE/);
                apply(model, answer);
              }
            }
          }
          apply(model, await a.command('NOOP'));
          const truth: Known[] = [];
          const listing = await a.command('FETCH 1:* (UID FLAGS)');
          const check: Known[] = model.map((k) => ({ ...k }));
          for (const line of listing.split('\r\n')) {
            const match =
              /^\* (\d+) FETCH \(.*UID (\d+).*FLAGS \(([^)]*)\)|^\* (\d+) FETCH \(.*FLAGS \(([^)]*)\).*UID (\d+)/.exec(
                line,
              );
            if (!match) continue;
            const seq = Number(match[1] ?? match[4]);
            truth[seq - 1] = {
              uid: Number(match[2] ?? match[6]),
              flags: normalise((match[3] ?? match[5]) as string),
            };
          }
          expect(check.length).toBe(truth.filter(Boolean).length);
          check.forEach((known, index) => {
            const real = truth[index];
            if (known.uid !== null) expect(known.uid).toBe(real?.uid);
            if (known.flags !== null) expect(known.flags).toBe(real?.flags);
          });
        } finally {
          a.close();
          b.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 300_000);
});
