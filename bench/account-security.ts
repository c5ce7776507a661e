/**
 * Account security figures, against a real in-process server at the production argon2id cost and
 * recovery settings:
 * - web sign-in latency with a password only, and with the second step answered by a passkey (a
 *   software authenticator: unlike TOTP codes, it can answer any number of sign-ins in a row);
 * - the recovery endpoints' timing for a matching and an unknown account (medians, p95, and their
 *   difference, which the enumeration test bounds at 10 %), and what solving the captcha costs a
 *   client.
 * Run:  npx tsx bench/account-security.ts [runs]
 */

import { type HttpClient, startTestServer } from '../test/helpers/facteur.js';
import { solvedCaptcha } from '../test/helpers/recovery.js';
import { createSoftAuthenticator } from '../test/helpers/soft-authenticator.js';
import { median, percentile } from './lib.js';

const runs = Number(process.argv[2] ?? 30);
const PASSWORD = 'Cadran-Solaire-Ete-42!';
const NUMEN = '12AB3456789CD';

const t = await startTestServer({
  env: {
    FACTEUR_ARGON2_MEMORY_KIB: '19456',
    FACTEUR_ARGON2_TIME_COST: '2',
    FACTEUR_CLIENT_THROTTLE_FAILURES: '100000',
    FACTEUR_RECOVERY_REQUESTS_PER_CLIENT: '100000',
    FACTEUR_RECOVERY_REQUESTS_PER_NUMEN: '100000',
  },
});

const line = (label: string, ms: number[]) =>
  console.log(
    `  ${label.padEnd(34)} median ${median(ms).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms (n=${ms.length})`,
  );

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

try {
  await t.addUser('Paul', 'Bernard', '--password', PASSWORD, '--profile', 'student');
  await t.addUser('Sylvie', 'Dupont', '--password', PASSWORD, '--profile', 'student');
  await t.addUser(
    'Marie',
    'Curie',
    '--profile',
    'student',
    '--numen',
    NUMEN,
    '--birth-date',
    '1980-05-17',
    '--recovery-email',
    'paul.bernard@ac-test.fr',
  );
  await t.server.facteur.ctx.db.updateTable('accounts').set({ must_change_password: 0 }).execute();

  // Sylvie gets a passkey; Paul keeps a password only.
  const owner = t.client({ newDevice: true });
  await owner.signIn('sdupont', PASSWORD);
  const { options } = (
    await owner.request('POST', '/api/passkeys/registration-options', { currentPassword: PASSWORD })
  ).json;
  const key = createSoftAuthenticator();
  await owner.request('POST', '/api/passkeys', { name: 'Clé', response: key.register(options, t.baseUrl) });

  const passwordOnly: number[] = [];
  const twoStep: number[] = [];
  for (let i = 0; i < runs; i++) {
    passwordOnly.push(
      await timed(async () => {
        const answer = await t.client({ newDevice: true }).signIn('pbernard', PASSWORD);
        if (answer.status !== 200 || answer.json.next) throw new Error(answer.text);
      }),
    );
    twoStep.push(
      await timed(async () => {
        const browser: HttpClient = t.client({ newDevice: true });
        if ((await browser.signIn('sdupont', PASSWORD)).json.next !== 'second_factor')
          throw new Error('no step');
        const offered = (await browser.request('POST', '/api/session/passkey-options')).json;
        const done = await browser.request('POST', '/api/session/second-factor', {
          method: 'passkey',
          response: key.assert(offered, t.baseUrl),
          trustDevice: false,
        });
        if (done.status !== 200) throw new Error(done.text);
      }),
    );
  }
  console.log('web sign-in, argon2id m=19456 KiB t=2, one at a time');
  line('password only', passwordOnly);
  line('password + passkey second step', twoStep);
  console.log(`  second step adds ${(median(twoStep) - median(passwordOnly)).toFixed(1)} ms at the median`);

  const client = t.client();
  const captcha: number[] = [];
  const measure = async (path: string, body: Record<string, string>) => {
    let altcha = '';
    captcha.push(
      await timed(async () => {
        altcha = await solvedCaptcha(client);
      }),
    );
    const start = performance.now();
    const response = await client.request('POST', path, { ...body, altcha });
    if (response.status >= 500 || response.status === 429) throw new Error(response.text);
    return performance.now() - start;
  };
  const matching: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < runs; i++) {
    matching.push(await measure('/api/recovery/password-reset', { numen: NUMEN, birthDate: '1980-05-17' }));
    unknown.push(
      await measure('/api/recovery/password-reset', { numen: '98ZY7654321XW', birthDate: '1980-05-17' }),
    );
  }
  console.log(
    'password-reset request, default settings (answers padded to FACTEUR_RECOVERY_MIN_RESPONSE_MS)',
  );
  line('matching account (link mailed)', matching);
  line('unknown NUMEN', unknown);
  const gap = Math.abs(median(matching) - median(unknown)) / Math.min(median(matching), median(unknown));
  console.log(`  median difference ${(gap * 100).toFixed(2)} % (bound: 10 %)`);
  line('solving the captcha (Node, client side)', captcha);
} finally {
  await t.close();
}
