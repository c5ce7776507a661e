/**
 * Every configuration key, in one table: its environment variable, type, default and meaning.
 * `docs/configuration.md` is generated from this table (`npm run docs:config`), so the two never drift.
 *
 * Implementation notes
 * - A key is read from the environment first, then from the optional JSON file named by
 *   FACTEUR_CONFIG, then takes its default. Values are validated, never coerced silently: a bad
 *   value stops the start with one line naming the key (see load.ts).
 * - Port 0 is allowed and means "any free port" (tests use it); the bound port is logged.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { NetworkNamesError, parseNetworkNames } from '../../lib/ip-place/index.js';

/** An integer from `min` to `max`, with the range in the error message. */
const intRange = (min: number, max: number) =>
  z.coerce
    .number({ error: `expected an integer from ${min} to ${max}` })
    .int(`expected an integer from ${min} to ${max}`)
    .min(min, `expected an integer from ${min} to ${max}`)
    .max(max, `expected an integer from ${min} to ${max}`);
const port = intRange(0, 65535);
const positiveInt = (max: number) => intRange(1, max);
const count = (max: number) => intRange(0, max);

const boolean = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])], {
    error: 'expected true or false',
  })
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
    'expected a domain name such as ac-exemple.fr',
  );

const optionalText = z.string().trim().min(1).optional();

/** `https://mail.ac-exemple.fr` (no path): where links in system mail point. */
const publicUrl = z
  .string()
  .trim()
  .regex(
    /^https?:\/\/[^\s/?#]+$/,
    'expected http(s)://host[:port] with no path, such as https://mail.ac-exemple.fr',
  )
  .optional();

const smtpUrl = z
  .string()
  .regex(/^smtps?:\/\/[^\s/:]+(:\d{1,5})?\/?$/, 'expected smtp://host:port or smtps://host:port')
  .optional();

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'expected a postgres://user@host:port/database URL')
  .optional();

const hexKey = z
  .string()
  .regex(/^[0-9a-fA-F]{64,}$/, 'expected at least 64 hexadecimal characters (32 bytes)')
  .optional();

/** `127.0.0.1/8, ::1, 192.0.2.10`: addresses or CIDR blocks, IPv4 or IPv6; `none` for an empty list. */
const networkList = z
  .string()
  .transform((value) =>
    value.trim().toLowerCase() === 'none'
      ? []
      : value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
  )
  .refine((items) => items.every(isNetwork), {
    error: 'expected addresses or CIDR blocks separated by commas, such as 127.0.0.0/8, ::1, or none',
  });

function isNetwork(item: string): boolean {
  const [address = '', prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/** `10.12.0.0/16=Collège Jean Moulin;2001:db8::/32=Rectorat`: the institution's networks, named. */
const networkNames = z
  .string()
  .optional()
  .transform((value, ctx) => {
    try {
      return parseNetworkNames(value ?? '');
    } catch (error) {
      if (!(error instanceof NetworkNamesError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
  error: 'expected one of fatal, error, warn, info, debug, trace, silent',
});

export interface ConfigKey {
  env: string;
  schema: z.ZodType;
  default?: unknown;
  description: string;
  /** Secret values are never printed, not even in error messages. */
  secret?: boolean;
}

export const CONFIG_KEYS = {
  dataDir: {
    env: 'FACTEUR_DATA_DIR',
    schema: z.string().min(1),
    default: './data',
    description: 'Data directory: SQLite database, message blobs, TLS certificate, secret key.',
  },
  domain: {
    env: 'FACTEUR_DOMAIN',
    schema: domainName,
    default: 'ac-exemple.fr',
    description: 'Mail domain created at first start, with its administrator `admin@DOMAIN`.',
  },
  adminPassword: {
    env: 'FACTEUR_ADMIN_PASSWORD',
    schema: optionalText,
    description:
      'One-time password of the first administrator; printed at random when unset. Changed at first sign-in.',
    secret: true,
  },
  institutionName: {
    env: 'FACTEUR_INSTITUTION_NAME',
    schema: z.string().trim().min(1).max(120),
    default: "Académie d'exemple",
    description: 'Institution name shown on every page.',
  },
  institutionLogoUrl: {
    env: 'FACTEUR_INSTITUTION_LOGO_URL',
    schema: optionalText,
    description: 'URL (same origin, or data:) of the institution logo.',
  },
  helpUrl: {
    env: 'FACTEUR_HELP_URL',
    schema: optionalText,
    description: 'Help / support page linked from the portal.',
  },
  listenHost: {
    env: 'FACTEUR_LISTEN_HOST',
    schema: z.string().min(1),
    default: '0.0.0.0',
    description: 'Address every listener binds to.',
  },
  httpPort: {
    env: 'FACTEUR_HTTP_PORT',
    schema: port,
    default: 8080,
    description: 'HTTP: web client, web API, autoconfig.',
  },
  smtpPort: { env: 'FACTEUR_SMTP_PORT', schema: port, default: 2525, description: 'SMTP MX (inbound mail).' },
  submissionPort: {
    env: 'FACTEUR_SUBMISSION_PORT',
    schema: port,
    default: 5870,
    description: 'SMTP submission with STARTTLS.',
  },
  submissionsPort: {
    env: 'FACTEUR_SUBMISSIONS_PORT',
    schema: port,
    default: 4650,
    description: 'SMTP submission over implicit TLS.',
  },
  imapPort: { env: 'FACTEUR_IMAP_PORT', schema: port, default: 1430, description: 'IMAP with STARTTLS.' },
  imapsPort: {
    env: 'FACTEUR_IMAPS_PORT',
    schema: port,
    default: 9930,
    description: 'IMAP over implicit TLS.',
  },
  imapCleartextLoopback: {
    env: 'FACTEUR_IMAP_CLEARTEXT_LOOPBACK',
    schema: boolean,
    default: false,
    description:
      'Let clients on this host (127.0.0.1, ::1) sign in to IMAP without TLS, e.g. a webmail on the same machine. Never the network.',
  },
  managesievePort: {
    env: 'FACTEUR_MANAGESIEVE_PORT',
    schema: port,
    default: 4190,
    description: 'ManageSieve.',
  },
  hostname: {
    env: 'FACTEUR_HOSTNAME',
    schema: domainName.optional(),
    description: 'Host name of this server in SMTP greetings and Received headers; default mail.DOMAIN.',
  },
  publicUrl: {
    env: 'FACTEUR_PUBLIC_URL',
    schema: publicUrl,
    description:
      'Address of the web client as users reach it, for links in system mail (password reset); default https://HOSTNAME. Never taken from the request (a forged Host header would send the link elsewhere).',
  },
  maxMessageBytes: {
    env: 'FACTEUR_MAX_MESSAGE_BYTES',
    schema: positiveInt(1_073_741_824),
    default: 52_428_800,
    description: 'Largest message accepted over SMTP (bytes; default 50 MiB), announced with SIZE.',
  },
  smtpRecipientsPerMinute: {
    env: 'FACTEUR_SMTP_RECIPIENTS_PER_MINUTE',
    schema: count(1_000_000),
    default: 600,
    description:
      'Recipients the MX accepts per minute from one client address (bursts up to a minute of them); over it, `451 4.7.1`. 0: no limit.',
  },
  smtpRateLimitExempt: {
    env: 'FACTEUR_SMTP_RATE_LIMIT_EXEMPT',
    schema: networkList,
    default: '127.0.0.0/8, ::1',
    description:
      'Client addresses or CIDR blocks the MX rate limit does not apply to (this host, an internal relay); `none` for none.',
  },
  outboundConcurrency: {
    env: 'FACTEUR_OUTBOUND_CONCURRENCY',
    schema: positiveInt(100),
    default: 10,
    description: 'Outbound SMTP deliveries in parallel per node.',
  },
  outboundPort: {
    env: 'FACTEUR_OUTBOUND_PORT',
    schema: port.optional(),
    description: 'Remote SMTP port for MX delivery (default 25); for test harnesses only.',
  },
  relay: {
    env: 'FACTEUR_RELAY',
    schema: smtpUrl,
    description: 'Smarthost for all outbound mail (smtp://host:port).',
  },
  databaseUrl: {
    env: 'FACTEUR_DATABASE_URL',
    schema: postgresUrl,
    description: 'PostgreSQL URL for scale-out; when unset, SQLite in the data directory.',
  },
  databaseSchema: {
    env: 'FACTEUR_DATABASE_SCHEMA',
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier')
      .optional(),
    description: 'PostgreSQL schema to use (created if missing); default: the search_path of the role.',
  },
  secretKey: {
    env: 'FACTEUR_SECRET_KEY',
    schema: hexKey,
    description:
      'Key for keyed hashes (NUMEN, birth date). Every node of a cluster needs the same; when unset, generated once into DATA_DIR/secret.key.',
    secret: true,
  },
  lockoutAttempts: {
    env: 'FACTEUR_LOCKOUT_ATTEMPTS',
    schema: positiveInt(100),
    default: 5,
    description: 'Consecutive failed sign-ins that suspend an account.',
  },
  lockoutMinutes: {
    env: 'FACTEUR_LOCKOUT_MINUTES',
    schema: positiveInt(10_080),
    default: 30,
    description: 'How long a suspended account stays locked.',
  },
  clientThrottleFailures: {
    env: 'FACTEUR_CLIENT_THROTTLE_FAILURES',
    schema: positiveInt(100_000),
    default: 30,
    description:
      'Failed sign-ins one client address may make per window before it is slowed down (protects against locking everyone out).',
  },
  clientThrottleMinutes: {
    env: 'FACTEUR_CLIENT_THROTTLE_MINUTES',
    schema: positiveInt(1_440),
    default: 15,
    description: 'Window of the per-client sign-in throttle.',
  },
  recoveryRequestsPerClient: {
    env: 'FACTEUR_RECOVERY_REQUESTS_PER_CLIENT',
    schema: positiveInt(100_000),
    default: 30,
    description:
      'Self-service recovery requests (identifier or password reset) one client address may make per window (a school often shares one address).',
  },
  recoveryRequestsPerNumen: {
    env: 'FACTEUR_RECOVERY_REQUESTS_PER_NUMEN',
    schema: positiveInt(100_000),
    default: 5,
    description: 'Self-service recovery requests per window for one NUMEN, from any address.',
  },
  recoveryWindowMinutes: {
    env: 'FACTEUR_RECOVERY_WINDOW_MINUTES',
    schema: positiveInt(1_440),
    default: 15,
    description: 'Window of the recovery rate limits.',
  },
  recoveryMinResponseMs: {
    env: 'FACTEUR_RECOVERY_MIN_RESPONSE_MS',
    schema: positiveInt(60_000),
    default: 1_000,
    description:
      'Every recovery answer leaves no sooner than this after the request arrived, so that its timing does not tell whether an account matched; keep it above the slowest real answer (a warning is logged otherwise).',
  },
  recoveryPowMaxCounter: {
    env: 'FACTEUR_RECOVERY_POW_MAX_COUNTER',
    schema: positiveInt(10_000_000),
    default: 2_000,
    description:
      'Proof-of-work difficulty of the recovery captcha: the browser tries up to this many PBKDF2-SHA-256 derivations (1,000 iterations each), a quarter to all of them.',
  },
  sessionIdleMinutes: {
    env: 'FACTEUR_SESSION_IDLE_MINUTES',
    schema: positiveInt(10_080),
    default: 30,
    description: 'A web session ends after this much inactivity.',
  },
  sessionMaxHours: {
    env: 'FACTEUR_SESSION_MAX_HOURS',
    schema: positiveInt(8_760),
    default: 12,
    description: 'A web session ends this long after sign-in, active or not.',
  },
  argon2MemoryKib: {
    env: 'FACTEUR_ARGON2_MEMORY_KIB',
    schema: positiveInt(4_194_304),
    default: 19_456,
    description: 'argon2id memory cost (KiB) for new password hashes (OWASP minimum: 19456).',
  },
  argon2TimeCost: {
    env: 'FACTEUR_ARGON2_TIME_COST',
    schema: positiveInt(100),
    default: 2,
    description: 'argon2id iterations for new password hashes.',
  },
  networkNames: {
    env: 'FACTEUR_NETWORK_NAMES',
    schema: networkNames,
    description:
      'Names of the networks of the institution, shown next to the address in "Sessions actives": `CIDR=Name` entries separated by `;`, IPv4 or IPv6, such as `10.12.0.0/16=Collège Jean Moulin;2001:db8::/32=Rectorat`; the most specific wins. Other addresses show as this computer, a local network, or nothing.',
  },
  trustProxy: {
    env: 'FACTEUR_TRUST_PROXY',
    schema: boolean,
    default: false,
    description: 'Trust X-Forwarded-For/-Proto from a reverse proxy (client address, Secure cookies).',
  },
  logLevel: { env: 'FACTEUR_LOG_LEVEL', schema: logLevel, default: 'info', description: 'Log level.' },
} satisfies Record<string, ConfigKey>;

export type ConfigKeyName = keyof typeof CONFIG_KEYS;

type ValueOf<K extends ConfigKeyName> = z.output<(typeof CONFIG_KEYS)[K]['schema']>;

export type Config = { [K in ConfigKeyName]: ValueOf<K> } & {
  /** Path of the JSON file the configuration was read from, if any. */
  configFile: string | null;
};
