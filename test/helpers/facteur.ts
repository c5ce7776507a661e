/**
 * Boots a real Facteur server in-process on ephemeral ports, over a fresh temporary data directory
 * (SQLite) or a fresh PostgreSQL schema, and gives tests an HTTP client that keeps cookies and
 * sends the CSRF header like the web client does, plus the CLI on the same data.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { DNSResolver } from 'mailauth';
import pg from 'pg';
import { CSRF_COOKIE, CSRF_HEADER } from '../../common/api.js';
import { type RunningServer, startServer } from '../../src/app/index.js';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/platform/config/index.js';
import { createLogger } from '../../src/platform/log/index.js';
import { userAddArgs } from './cli-args.js';
import { createFakeResolver } from './dns.js';

export const TEST_ADMIN_PASSWORD = 'Provisoire-Admin-2026!';
export const PG_URL = process.env.FACTEUR_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestServer {
  baseUrl: string;
  env: Record<string, string>;
  server: RunningServer;
  logs: string[];
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** `facteur user add --first FIRST --last LAST --domain ac-test.fr ...extra`, which must succeed. */
  addUser(first: string, last: string, ...extra: string[]): Promise<{ stdout: string }>;
  /**
   * A web client. Clients of one server share one device cookie, as tabs of one browser do, so
   * that signing in again does not count as a new device (which puts a notice in the Inbox);
   * `{ newDevice: true }` is another browser.
   */
  client(options?: { newDevice?: boolean }): HttpClient;
  close(): Promise<void>;
}

export async function startTestServer(
  options: {
    backend?: 'sqlite' | 'postgres';
    env?: Record<string, string>;
    webRoot?: string;
    resolver?: DNSResolver;
  } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'facteur-test-'));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const env: Record<string, string> = {
    FACTEUR_DATA_DIR: dataDir,
    FACTEUR_DOMAIN: 'ac-test.fr',
    FACTEUR_LISTEN_HOST: '127.0.0.1',
    FACTEUR_HTTP_PORT: '0',
    FACTEUR_SMTP_PORT: '0',
    FACTEUR_SUBMISSION_PORT: '0',
    FACTEUR_SUBMISSIONS_PORT: '0',
    FACTEUR_IMAP_PORT: '0',
    FACTEUR_IMAPS_PORT: '0',
    FACTEUR_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    // Cheap hashing keeps the suite fast; the cost itself is measured by bench/sign-in.ts.
    FACTEUR_ARGON2_MEMORY_KIB: '1024',
    FACTEUR_ARGON2_TIME_COST: '1',
    ...(options.backend === 'postgres'
      ? { FACTEUR_DATABASE_URL: PG_URL, FACTEUR_DATABASE_SCHEMA: schema }
      : {}),
    ...options.env,
  };
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = loadConfig(env);
  const server = await startServer(config, createLogger({ level: 'debug', destination }), {
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    resolver: options.resolver ?? createFakeResolver({}),
  });
  const baseUrl = `http://127.0.0.1:${server.httpPort}`;
  const sharedDevice: DeviceCookie = { value: undefined };
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };
  return {
    baseUrl,
    env,
    server,
    logs,
    cli,
    async addUser(first, last, ...extra) {
      const result = await cli(...userAddArgs(first, last, ...extra));
      if (result.code !== 0) throw new Error(`user add ${first} ${last} failed: ${result.stderr}`);
      return result;
    },
    client: (clientOptions = {}) =>
      new HttpClient(baseUrl, clientOptions.newDevice ? undefined : sharedDevice),
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (options.backend === 'postgres') {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    },
  };
}

/** A cookie-keeping JSON client that behaves like the web client (CSRF double-submit). */
export interface DeviceCookie {
  value: string | undefined;
}

const DEVICE_COOKIE = 'facteur_device';

export class HttpClient {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly baseUrl: string,
    /** The device cookie shared with other clients (one browser), if any. */
    private readonly device?: DeviceCookie,
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    if (method !== 'GET' && !this.cookies.has(CSRF_COOKIE)) await this.request('GET', '/api/portal');
    if (this.device?.value !== undefined && !this.cookies.has(DEVICE_COOKIE))
      this.cookies.set(DEVICE_COOKIE, this.device.value);
    const csrf = this.cookies.get(CSRF_COOKIE);
    // A Buffer is sent as is (uploads: give its content-type in `headers`); anything else as JSON.
    const raw = Buffer.isBuffer(body);
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined || raw ? {} : { 'content-type': 'application/json' }),
        ...(csrf && method !== 'GET' ? { [CSRF_HEADER]: csrf } : {}),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...headers,
      },
      ...(body === undefined ? {} : { body: raw ? new Uint8Array(body) : JSON.stringify(body) }),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      const cleared = value === '' || attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (cleared) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.trim());
      if (this.device && name.trim() === DEVICE_COOKIE && !cleared) this.device.value = value.trim();
    }
    const text = await response.text();
    const json =
      text.length > 0 && response.headers.get('content-type')?.includes('json')
        ? JSON.parse(text)
        : undefined;
    return { status: response.status, headers: response.headers, json, text };
  }

  signIn(login: string, password: string) {
    return this.request('POST', '/api/session', { login, password });
  }
}

/**
 * A server with these people, signed up with `password` and past their first password change: what
 * the JMAP and IMAP tests start from.
 */
export async function startServerWithUsers(
  password: string,
  people: readonly [first: string, last: string][],
  options: Parameters<typeof startTestServer>[0] = {},
): Promise<TestServer> {
  const t = await startTestServer(options);
  for (const [first, last] of people) await t.addUser(first, last, '--password', password);
  await t.server.facteur.ctx.db.updateTable('accounts').set({ must_change_password: 0 }).execute();
  return t;
}

/** Signs `login` in over HTTP and reads the JMAP session resource; fails the test if either fails. */
export async function signInJmap(t: TestServer, login: string, password: string) {
  const client = t.client();
  const signedIn = await client.signIn(login, password);
  if (signedIn.status !== 200) throw new Error(`sign-in of ${login}: ${signedIn.status} ${signedIn.text}`);
  const response = await client.request('GET', '/jmap/session');
  if (response.status !== 200) throw new Error(`JMAP session of ${login}: ${response.status}`);
  const session = response.json;
  const accountId = session.primaryAccounts['urn:ietf:params:jmap:mail'] as string;
  return { client, accountId, session };
}
