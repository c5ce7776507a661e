/**
 * Self-service recovery over HTTP against a real in-process server: the reset endpoint answers an
 * existing and an unknown account identically (status, body, and median time within 10 %), the
 * identifier endpoint answers every non-match identically, and the captcha, the rate limits and
 * malformed bodies are refused with their problems.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpClient, startTestServer, type TestServer } from '../helpers/facteur.js';
import { FAST_RECOVERY_ENV, solvedCaptcha } from '../helpers/recovery.js';

const NUMEN = '12AB3456789CD';
const UNKNOWN_NUMEN = '98ZY7654321XW';
const BIRTH_DATE = '1980-05-17';
const RUNS = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function timedPost(client: HttpClient, path: string, body: Record<string, string>) {
  const altcha = await solvedCaptcha(client);
  const start = performance.now();
  const response = await client.request('POST', path, { ...body, altcha });
  return { status: response.status, text: response.text, ms: performance.now() - start };
}

/** Alternates the two cases so that any drift of the machine's load falls on both. */
async function compare(
  client: HttpClient,
  path: string,
  a: Record<string, string>,
  b: Record<string, string>,
) {
  const results = {
    a: [] as Awaited<ReturnType<typeof timedPost>>[],
    b: [] as Awaited<ReturnType<typeof timedPost>>[],
  };
  for (let i = 0; i < RUNS; i++) {
    results.a.push(await timedPost(client, path, a));
    results.b.push(await timedPost(client, path, b));
  }
  return results;
}

describe('self-service recovery over HTTP', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ env: FAST_RECOVERY_ENV });
    await t.addUser('Marie', 'Curie', '--password', 'Recup-Boite-2026!');
    await t.addUser(
      'Sylvie',
      'Dupont',
      '--numen',
      NUMEN,
      '--birth-date',
      BIRTH_DATE,
      '--recovery-email',
      'marie.curie@ac-test.fr',
    );
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('answers a reset request for an existing and an unknown account identically, in the same time', async () => {
    const client = t.client();
    const { a: existing, b: unknown } = await compare(
      client,
      '/api/recovery/password-reset',
      { numen: NUMEN, birthDate: BIRTH_DATE },
      { numen: UNKNOWN_NUMEN, birthDate: BIRTH_DATE },
    );
    for (const r of [...existing, ...unknown]) {
      expect(r.status).toBe(202);
      expect(r.text).toBe('{"status":"accepted"}');
    }
    const [mExisting, mUnknown] = [median(existing.map((r) => r.ms)), median(unknown.map((r) => r.ms))];
    expect(Math.abs(mExisting - mUnknown) / Math.min(mExisting, mUnknown)).toBeLessThan(0.1);
    // Not vacuous: the requests did reach the account (the last link replaced the others).
    const resets = await t.server.facteur.ctx.db.selectFrom('password_resets').selectAll().execute();
    expect(resets).toHaveLength(1);
    const audit = await t.server.facteur.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'password.reset_requested')
      .execute();
    expect(audit).toHaveLength(RUNS);
  }, 120_000);

  it('answers every non-match of the identifier page identically, in the same time', async () => {
    const client = t.client();
    const { a: unknownNumen, b: wrongDate } = await compare(
      client,
      '/api/recovery/identifier',
      { numen: UNKNOWN_NUMEN, birthDate: BIRTH_DATE },
      { numen: NUMEN, birthDate: '1980-05-18' },
    );
    const first = unknownNumen[0];
    for (const r of [...unknownNumen, ...wrongDate]) {
      expect(r.status).toBe(404);
      expect(r.text).toBe(first?.text);
    }
    expect(JSON.parse(first?.text ?? '{}').code).toBe('recovery.no_match');
    const [m1, m2] = [median(unknownNumen.map((r) => r.ms)), median(wrongDate.map((r) => r.ms))];
    expect(Math.abs(m1 - m2) / Math.min(m1, m2)).toBeLessThan(0.1);

    const found = await timedPost(client, '/api/recovery/identifier', {
      numen: ' 12ab 3456789cd',
      birthDate: '17/05/1980',
    });
    expect(found.status).toBe(200);
    expect(JSON.parse(found.text)).toEqual({
      accounts: [{ identifier: 'sdupont', address: 'sylvie.dupont@ac-test.fr' }],
    });
  }, 120_000);

  it('refuses a missing, forged or replayed captcha solution', async () => {
    const client = t.client();
    const body = { numen: NUMEN, birthDate: BIRTH_DATE };
    const none = await client.request('POST', '/api/recovery/identifier', {
      ...body,
      altcha: 'bm90IGpzb24=',
    });
    expect(none.status).toBe(400);
    expect(none.json.code).toBe('recovery.captcha_invalid');

    const altcha = await solvedCaptcha(client);
    const payload = JSON.parse(Buffer.from(altcha, 'base64').toString());
    const key: string = payload.solution.derivedKey;
    payload.solution.derivedKey = `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
    const forged = Buffer.from(JSON.stringify(payload)).toString('base64');
    expect(
      (await client.request('POST', '/api/recovery/identifier', { ...body, altcha: forged })).json.code,
    ).toBe('recovery.captcha_invalid');

    expect((await client.request('POST', '/api/recovery/identifier', { ...body, altcha })).status).toBe(200);
    const replayed = await client.request('POST', '/api/recovery/identifier', { ...body, altcha });
    expect(replayed.status).toBe(400);
    expect(replayed.json.code).toBe('recovery.captcha_invalid');
  });

  it('answers garbage with a 400 problem, never anything else', async () => {
    const client = t.client();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          fc.record({ numen: fc.string(), birthDate: fc.string(), altcha: fc.string({ minLength: 1 }) }),
        ),
        async (body) => {
          const response = await client.request('POST', '/api/recovery/password-reset', body ?? null);
          expect(response.status).toBe(400);
          expect(response.headers.get('content-type')).toContain('application/problem+json');
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('recovery rate limits', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      env: {
        ...FAST_RECOVERY_ENV,
        FACTEUR_RECOVERY_REQUESTS_PER_NUMEN: '3',
        FACTEUR_RECOVERY_REQUESTS_PER_CLIENT: '5',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('throttles one NUMEN, then one client address, with 429 recovery.throttled', async () => {
    const client = t.client();
    const post = async (numen: string) =>
      client.request('POST', '/api/recovery/password-reset', {
        numen,
        birthDate: BIRTH_DATE,
        altcha: await solvedCaptcha(client),
      });
    for (let i = 0; i < 3; i++) expect((await post(NUMEN)).status).toBe(202);
    const throttled = await post(NUMEN);
    expect(throttled.status).toBe(429);
    expect(throttled.json.code).toBe('recovery.throttled');
    expect(throttled.json.retryAfterSeconds).toBeGreaterThan(0);
    expect(throttled.headers.get('retry-after')).toBe(String(throttled.json.retryAfterSeconds));
    // Another NUMEN from the same address: the fifth request of the window passes, the sixth not.
    expect((await post(UNKNOWN_NUMEN)).status).toBe(202);
    const byClient = await post(UNKNOWN_NUMEN);
    expect(byClient.status).toBe(429);
    expect(byClient.json.code).toBe('recovery.throttled');
  });
});
