/**
 * The peers Facteur replaces, started and stopped by the bench scripts themselves (PEERS.md):
 * Postfix 3.7 → LMTP → Dovecot 2.3 Maildir, from Debian's packages, each with its own configuration
 * under a temporary directory, listening on 127.0.0.1 only, on free high ports.
 *
 * - Postfix: `postfix -c DIR start` with our main.cf/master.cf, own queue_directory and
 *   data_directory, daemons not chrooted, `virtual_transport = lmtp:inet:127.0.0.1:PORT`, no DNS
 *   (no peer-name lookups, native host lookups), log to a file (`maillog_file`).
 * - Dovecot: `dovecot -c FILE`, own base_dir/state_dir, passwd-file users, Maildir under the temporary
 *   directory, `protocols = lmtp imap`, LMTP on a TCP loopback port, `mail_fsync` left at its default
 *   (optimized). Mail is owned by `nobody` (uid 65534), so no system user needs creating.
 * Needs root and `apt-get install postfix dovecot-core dovecot-lmtpd dovecot-imapd`.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/helpers/ports.js';

const NOBODY = 65534;

export interface PostfixDovecot {
  dir: string;
  smtpPort: number;
  lmtpPort: number;
  imapPort: number;
  domain: string;
  addresses: string[];
  /** Messages currently in the mailboxes' Maildir new/ directories. */
  delivered(): number;
  /** PIDs of the Postfix master and the Dovecot master (for CPU/RSS sampling of their trees). */
  pids(): { postfix: number | undefined; dovecot: number | undefined };
  stop(): Promise<void>;
}

/**
 * Runs a daemon's control command. Its output goes to a file, not a pipe: the daemon it forks keeps
 * the inherited descriptors, and spawnSync would wait for a pipe's EOF forever.
 */
function run(cmd: string, args: string[], logFile: string, daemonLog: string) {
  const fd = openSync(logFile, 'a');
  try {
    const r = spawnSync(cmd, args, { stdio: ['ignore', fd, fd] });
    if (r.status !== 0) {
      throw new Error(
        `${cmd} ${args.join(' ')} failed (${r.status ?? r.error}): ${readFileSync(logFile, 'utf8').slice(-2000)}${tail(daemonLog)}`,
      );
    }
  } finally {
    closeSync(fd);
  }
}

function tail(file: string): string {
  try {
    return `\n${file}:\n${readFileSync(file, 'utf8').slice(-2000)}`;
  } catch {
    return '';
  }
}

export function peersInstalled(): string | undefined {
  for (const bin of ['/usr/sbin/postfix', '/usr/sbin/dovecot', '/usr/lib/dovecot/lmtp']) {
    if (!existsSync(bin)) {
      return `${bin} missing: apt-get install postfix dovecot-core dovecot-lmtpd dovecot-imapd`;
    }
  }
  if (process.getuid?.() !== 0) return 'Postfix and Dovecot must be started as root';
  return undefined;
}

/** One Maildir user per address; all addresses must share one domain. */
export async function startPostfixDovecot(addresses: string[]): Promise<PostfixDovecot> {
  const domain = addresses[0]?.split('@')[1] ?? 'bench.test';
  const dir = mkdtempSync(join(tmpdir(), 'facteur-peers-'));
  chmodSync(dir, 0o755); // the unprivileged daemons (postfix, dovenull, nobody) traverse it
  const [smtpPort, lmtpPort, imapPort] = [await freePort(), await freePort(), await freePort()];

  // ---- Dovecot
  const dv = join(dir, 'dovecot');
  const mail = join(dir, 'mail');
  for (const d of [dv, join(dv, 'run'), join(dv, 'state'), mail])
    mkdirSync(d, { recursive: true, mode: 0o755 });
  chownSync(mail, NOBODY, NOBODY);
  writeFileSync(
    join(dv, 'users'),
    addresses.map((a, i) => `${a}:{PLAIN}bench:${NOBODY}:${NOBODY}::${join(mail, `u${i}`)}::\n`).join(''),
  );
  const dovecotConf = join(dv, 'dovecot.conf');
  writeFileSync(
    dovecotConf,
    `# bench-only Dovecot: loopback, own directories
base_dir = ${join(dv, 'run')}
state_dir = ${join(dv, 'state')}
log_path = ${join(dv, 'dovecot.log')}
protocols = lmtp imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:~/Maildir
first_valid_uid = 100
passdb {
  driver = passwd-file
  args = ${join(dv, 'users')}
}
userdb {
  driver = passwd-file
  args = ${join(dv, 'users')}
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${lmtpPort}
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  );

  // ---- Postfix
  const pf = join(dir, 'postfix');
  for (const d of [pf, join(pf, 'queue'), join(pf, 'data')]) mkdirSync(d, { recursive: true, mode: 0o755 });
  const postfixUser = spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' });
  const postfixGroup = spawnSync('id', ['-g', 'postfix'], { encoding: 'utf8' });
  chownSync(join(pf, 'data'), Number(postfixUser.stdout), Number(postfixGroup.stdout)); // master.lock
  writeFileSync(join(pf, 'vmailbox'), addresses.map((a) => `${a} ok\n`).join(''));
  writeFileSync(
    join(pf, 'main.cf'),
    `# bench-only Postfix: loopback, own directories, no DNS
compatibility_level = 3.6
queue_directory = ${join(pf, 'queue')}
data_directory = ${join(pf, 'data')}
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.${domain}
mydomain = ${domain}
myorigin = $mydomain
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relay_domains =
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = ${domain}
virtual_mailbox_maps = texthash:${join(pf, 'vmailbox')}
virtual_transport = lmtp:inet:127.0.0.1:${lmtpPort}
smtpd_peername_lookup = no
smtp_host_lookup = native
lmtp_host_lookup = native
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
maillog_file_prefixes = ${dir}
maillog_file = ${join(pf, 'postfix.log')}
biff = no
`,
  );
  writeFileSync(
    join(pf, 'master.cf'),
    `# service type private unpriv chroot wakeup maxproc command
127.0.0.1:${smtpPort} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`,
  );

  let dovecotStarted = false;
  let postfixStarted = false;
  const stop = async () => {
    if (postfixStarted) spawnSync('postfix', ['-c', pf, 'stop'], { stdio: 'ignore' });
    if (dovecotStarted) spawnSync('dovecot', ['-c', dovecotConf, 'stop'], { stdio: 'ignore' });
    // Both stop asynchronously: wait for the masters to be gone before removing their files.
    for (let i = 0; i < 100; i++) {
      const { postfix, dovecot } = pids();
      if (!alive(postfix) && !alive(dovecot)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const pids = () => ({
    postfix: readPid(join(pf, 'queue', 'pid', 'master.pid')),
    dovecot: readPid(join(dv, 'run', 'master.pid')),
  });
  try {
    dovecotStarted = true; // set first: a start that fails half-way still gets a stop
    run('dovecot', ['-c', dovecotConf], join(dir, 'start.log'), join(dv, 'dovecot.log'));
    postfixStarted = true;
    run('postfix', ['-c', pf, 'start'], join(dir, 'start.log'), join(pf, 'postfix.log'));
    await waitForPort(smtpPort);
    await waitForPort(lmtpPort);
  } catch (error) {
    await stop();
    throw error;
  }
  const newDirs = addresses.map((_, i) => join(mail, `u${i}`, 'Maildir', 'new'));
  return {
    dir,
    smtpPort,
    lmtpPort,
    imapPort,
    domain,
    addresses,
    delivered() {
      let n = 0;
      for (const d of newDirs) {
        try {
          n += readdirSync(d).length;
        } catch {
          // not created until the first delivery
        }
      }
      return n;
    },
    pids,
    stop,
  };
}

function readPid(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForPort(port: number): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}

// ---------------------------------------------------------------------------------------------
// IMAP-only Dovecot for imap-vs-dovecot.ts and imap-idle-memory.ts (additive only).

export interface DovecotImapUser {
  login: string;
  /** A passwd-file password field: `{ARGON2ID}$argon2id$v=19$m=…` or `{PLAIN}secret`. */
  password: string;
}

export interface DovecotImapOptions {
  /**
   * PEERS.md's "tuned" Dovecot: login and imap processes are reused instead of forked per
   * connection (`service_count = 0`), two login processes always ready.
   */
  tuned?: boolean;
  /** e.g. '5s': idle IMAP sessions move to the imap-hibernate process after this long in IDLE. */
  hibernateTimeout?: string;
  /** Full-text search with the fts-xapian plugin (package dovecot-fts-xapian), searches index-only. */
  ftsXapian?: boolean;
  /** Raise the process, client and per-user limits so this many IMAP connections hold. */
  maxConnections?: number;
  /**
   * Users' homes are DIR/u{i} (Maildir in DIR/u{i}/Maildir); given, the mail survives stop() so
   * another configuration can serve the same mail. Otherwise a directory removed on stop().
   */
  mailRoot?: string;
  /** Extra dovecot.conf lines, appended last. */
  extraConfig?: string;
}

export interface DovecotImap {
  dir: string;
  port: number;
  config: string;
  /** The Maildir of user i (cur/, new/, tmp/ inside). */
  maildir(i: number): string;
  /** PID of the Dovecot master, whose process tree serves every connection. */
  pid(): number | undefined;
  /** The end of Dovecot's log (errors, warnings). */
  logTail(): string;
  /** `doveadm -c CONFIG args…`, synchronously; throws on failure. */
  doveadm(args: string[]): string;
  stop(): Promise<void>;
}

/** Where startDovecotImap puts user i's Maildir under `mailRoot` (to write mail before it starts). */
export function dovecotMaildir(mailRoot: string, i: number): string {
  return join(mailRoot, `u${i}`, 'Maildir');
}

export function dovecotFtsXapianInstalled(): boolean {
  return existsSync('/usr/lib/dovecot/modules/lib21_fts_xapian_plugin.so');
}

/**
 * Dovecot 2.3 serving IMAP only, cleartext on 127.0.0.1 (ssl = no, plaintext auth allowed),
 * passwd-file users (uid/gid nobody), Maildir. Mail files may be written directly into maildir(i)
 * before the first login (owned by nobody: see chownMaildirs).
 */
export async function startDovecotImap(
  users: DovecotImapUser[],
  options: DovecotImapOptions = {},
): Promise<DovecotImap> {
  const dir = mkdtempSync(join(tmpdir(), 'facteur-dovecot-imap-'));
  chmodSync(dir, 0o755);
  const mailRoot = options.mailRoot ?? join(dir, 'mail');
  const port = await freePort();
  const dv = join(dir, 'dovecot');
  for (const d of [dv, join(dv, 'run'), join(dv, 'state'), mailRoot])
    mkdirSync(d, { recursive: true, mode: 0o755 });
  chownSync(mailRoot, NOBODY, NOBODY);
  for (const u of users) {
    if (/[:\n]/.test(u.login) || /[:\n]/.test(u.password))
      throw new Error(`bad passwd-file field: ${u.login}`);
  }
  writeFileSync(
    join(dv, 'users'),
    users
      .map((u, i) => `${u.login}:${u.password}:${NOBODY}:${NOBODY}::${join(mailRoot, `u${i}`)}::\n`)
      .join(''),
  );
  const max = options.maxConnections ?? 0;
  const config = join(dv, 'dovecot.conf');
  writeFileSync(
    config,
    `# bench-only Dovecot: IMAP only, loopback, cleartext, own directories
base_dir = ${join(dv, 'run')}
state_dir = ${join(dv, 'state')}
log_path = ${join(dv, 'dovecot.log')}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
first_valid_uid = 100
passdb {
  driver = passwd-file
  args = ${join(dv, 'users')}
}
userdb {
  driver = passwd-file
  args = ${join(dv, 'users')}
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
${options.tuned ? '  service_count = 0\n  process_min_avail = 2\n' : ''}}
service imap {
${options.tuned ? '  service_count = 0\n' : ''}${
  // Dovecot's built-in default for imap is 1024 processes, whatever default_process_limit says.
  max > 0 ? `  process_limit = ${max + 100}\n` : ''
}  # imap-hibernate (uid root) hands sessions back through this socket.
  unix_listener imap-master {
    mode = 0666
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
${
  options.hibernateTimeout
    ? `imap_hibernate_timeout = ${options.hibernateTimeout}
service imap-hibernate {
  # The imap processes run as nobody and hand their idle sessions over through this socket.
  unix_listener imap-hibernate {
    mode = 0666
  }
}
`
    : ''
}${
  max > 0
    ? `# ${max} connections: every service may have that many processes and clients.
default_process_limit = ${max + 100}
default_client_limit = ${3 * max + 100}
default_vsz_limit = 0
protocol imap {
  mail_max_userip_connections = ${max}
}
`
    : ''
}${
  options.ftsXapian
    ? `mail_plugins = $mail_plugins fts fts_xapian
plugin {
  fts = xapian
  fts_xapian = partial=3 full=20 verbose=0
  fts_autoindex = no
  # Answer from the index only, never fall back to reading every message.
  fts_enforced = yes
}
service indexer-worker {
  vsz_limit = 0
}
`
    : ''
}${options.extraConfig ?? ''}`,
  );
  const pidFile = join(dv, 'run', 'master.pid');
  let started = false;
  const stop = async () => {
    if (started) spawnSync('dovecot', ['-c', config, 'stop'], { stdio: 'ignore' });
    for (let i = 0; i < 300; i++) {
      if (!alive(readPid(pidFile))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    started = true;
    run('dovecot', ['-c', config], join(dir, 'start.log'), join(dv, 'dovecot.log'));
    await waitForPort(port);
    // The listener may answer before the master has written its pid file, which pid() reads.
    for (let i = 0; i < 100 && !alive(readPid(pidFile)); i++) await new Promise((r) => setTimeout(r, 50));
    if (!alive(readPid(pidFile)))
      throw new Error(`Dovecot master not running${tail(join(dv, 'dovecot.log'))}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    dir,
    port,
    config,
    maildir: (i) => dovecotMaildir(mailRoot, i),
    pid: () => readPid(pidFile),
    logTail: () => tail(join(dv, 'dovecot.log')),
    doveadm(args) {
      const r = spawnSync('doveadm', ['-c', config, ...args], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (r.status !== 0) {
        throw new Error(
          `doveadm ${args.join(' ')} failed (${r.status ?? r.error}): ${r.stderr}${tail(join(dv, 'dovecot.log'))}`,
        );
      }
      return r.stdout;
    },
    stop,
  };
}

/** Gives a mail tree written by root to nobody, the uid the bench Dovecot's users run as. */
export function chownMaildirs(root: string): void {
  const walk = (p: string) => {
    chownSync(p, NOBODY, NOBODY);
    for (const entry of readdirSync(p, { withFileTypes: true })) {
      const child = join(p, entry.name);
      if (entry.isDirectory()) walk(child);
      else chownSync(child, NOBODY, NOBODY);
    }
  };
  walk(root);
}
