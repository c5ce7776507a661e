/**
 * One IMAP connection: bytes in through the command reader, one command at a time through the
 * handlers, responses out; STARTTLS, authentication, IDLE and timeouts.
 *
 * Implementation notes
 * - Commands run strictly one after another (no pipelined execution yet): input keeps being read and
 *   framed, events queue, and the next command starts when the previous one has answered. The
 *   reader bounds what a client can make us buffer (lib/imap/command-reader.ts).
 * - STARTTLS: anything the client sent after the STARTTLS line, before the handshake, is discarded
 *   (CVE-2011-0411-style command injection); the reader is replaced by a fresh one on the TLS socket.
 * - Credentials only over TLS: LOGIN and AUTHENTICATE are refused on a cleartext connection with
 *   PRIVACYREQUIRED, and LOGINDISABLED is advertised, unless `allowCleartextAuth` (loopback use,
 *   off by default). The portal's lockout and per-client throttle apply (core/auth).
 * - Timeouts: 60 s to authenticate, 30 min of inactivity after (RFC 9051 §5.4 asks at least 30 min),
 *   IDLE included: clients re-issue IDLE every 29 minutes as RFC 2177 advises.
 * - A session listens to its account's change feed only while IDLE; otherwise changes are picked up
 *   at the next command (NOOP, or any command allowing untagged updates).
 * - Output: TCP_NODELAY, and every write of one event-loop turn corked into one flush. Without
 *   NODELAY, a response written in several pieces waits for the client's delayed ACK (Nagle), about
 *   40 ms per command on Linux; with NODELAY alone, a FETCH of 1 000 messages would be 1 000 tiny
 *   packets.
 * - COMPRESS=DEFLATE (RFC 4978): after the tagged OK, input goes through raw inflate and output
 *   through raw deflate, flushed once per turn of the event loop (one flush for a whole FETCH, not
 *   one per message). The deflate side uses a 8 KiB window and memLevel 6 (about 40 KiB per
 *   connection instead of 256 KiB) because thousands of phones keep compressed IDLE sessions open;
 *   inflate needs the full 32 KiB window the client may use.
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import {
  createDeflateRaw,
  createInflateRaw,
  type DeflateRaw,
  type InflateRaw,
  constants as zlib,
} from 'node:zlib';
import type { ClientThrottle } from '../../core/auth/index.js';
import { verifySignIn } from '../../core/auth/index.js';
import type { CoreContext } from '../../core/context.js';
import { UserError } from '../../lib/errors/index.js';
import {
  atom,
  CommandReader,
  code,
  type ImapCommand,
  isPlainAtom,
  parseAstringText,
  parseCommand,
  type ReaderEvent,
  ResponseEncoder,
} from '../../lib/imap/index.js';
import type { Logger } from '../../platform/log/index.js';
import { fetch } from './fetch.js';
import { list, manage, namespace, quota, select, status, unselect } from './mailbox-commands.js';
import { append, copy } from './message-commands.js';
import { search } from './search.js';
import { writeMailboxUpdate } from './selected-mailbox.js';
import { bad, CommandError, type Completion, no, required, type Session } from './session.js';
import { sort } from './sort.js';
import { expunge, store } from './store-commands.js';
import { THREAD_ALGORITHMS, thread } from './thread.js';

const PRE_AUTH_TIMEOUT_MS = 60_000;
const AUTHENTICATED_TIMEOUT_MS = 30 * 60_000;
const MAX_LITERAL_BYTES = 64 * 1024 * 1024;
const MAX_BUFFERED_BYTES = 1024 * 1024;
const PRE_AUTH_LITERAL_BYTES = 8 * 1024;

export interface ImapConnectionOptions {
  ctx: CoreContext;
  log: Logger;
  throttle: ClientThrottle;
  tls: { key: string; cert: string };
  /** Largest APPEND accepted (APPENDLIMIT). */
  maxMessageBytes: number;
  /** Accept LOGIN/AUTHENTICATE without TLS (loopback deployments only). */
  allowCleartextAuth: boolean;
  /** Called when the connection ends, for the per-address and per-account counters. */
  onClose(connection: ImapConnection): void;
  /** Whether this account may open one more connection. */
  admitAccount(accountId: string): boolean;
}

const BASE_CAPABILITIES = [
  'IMAP4rev1',
  'IMAP4rev2',
  'LITERAL+',
  'SASL-IR',
  'ID',
  'ENABLE',
  'IDLE',
  'NAMESPACE',
  'UNSELECT',
  'CHILDREN',
  'SPECIAL-USE',
  'LIST-EXTENDED',
  'LIST-STATUS',
  'UTF8=ACCEPT',
  'STATUS=SIZE',
  'UIDPLUS',
  'MOVE',
  'CONDSTORE',
  'QRESYNC',
  'ESEARCH',
  'SEARCHRES',
  'SORT',
  'QUOTA',
  'QUOTA=RES-STORAGE',
  'OBJECTID',
  'BINARY',
  'CREATE-SPECIAL-USE',
  'COMPRESS=DEFLATE',
  ...THREAD_ALGORITHMS.map((algorithm) => `THREAD=${algorithm}`),
];

export class ImapConnection implements Session {
  readonly ctx: CoreContext;
  readonly log: Logger;
  encoder = new ResponseEncoder();
  state: Session['state'] = 'not-authenticated';
  account: Session['account'] = null;
  selected: Session['selected'] = null;
  utf8 = false;
  condstore = false;
  qresync = false;
  rev2 = false;

  private socket: Socket;
  private secure: boolean;
  private reader = new CommandReader({ maxLiteralSize: MAX_LITERAL_BYTES });
  private running = false;
  private idle: { tag: string; stop: () => void } | null = null;
  private saslTag: string | null = null;
  private closed = false;
  private corked = false;
  private compression: { inflate: InflateRaw; deflate: DeflateRaw; flushQueued: boolean } | null = null;
  readonly remoteAddress: string;

  constructor(
    socket: Socket,
    secure: boolean,
    private readonly options: ImapConnectionOptions,
  ) {
    this.socket = socket;
    this.secure = secure;
    this.ctx = options.ctx;
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    this.log = options.log.child({ proto: 'imap', client: this.remoteAddress });
  }

  start(): void {
    this.attach(this.socket);
    this.socket.setTimeout(PRE_AUTH_TIMEOUT_MS);
    this.write(
      this.encoder.status('OK', 'Facteur IMAP ready', code('CAPABILITY', ...this.capabilities().map(atom))),
    );
  }

  /** Server shutdown: tell the client and close. */
  shutdown(): void {
    this.write(this.encoder.status('BYE', 'Server shutting down'));
    this.end();
  }

  write(chunk: Buffer): void {
    if (this.closed || !this.socket.writable) return;
    const compression = this.compression;
    if (!compression) {
      const socket = this.socket;
      if (!this.corked) {
        this.corked = true;
        socket.cork();
        setImmediate(() => {
          this.corked = false;
          socket.uncork();
        });
      }
      socket.write(chunk);
      return;
    }
    compression.deflate.write(chunk);
    if (!compression.flushQueued) {
      compression.flushQueued = true;
      setImmediate(() => {
        compression.flushQueued = false;
        if (!this.closed) compression.deflate.flush(zlib.Z_SYNC_FLUSH);
      });
    }
  }

  private receive(chunk: Buffer): void {
    this.reader.push(chunk);
    // Back-pressure: a client sending faster than we execute stops being read.
    if (this.reader.bufferedBytes > MAX_BUFFERED_BYTES) this.socket.pause();
    void this.pump();
  }

  private attach(socket: Socket): void {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.compression) this.compression.inflate.write(chunk);
      else this.receive(chunk);
    });
    socket.on('timeout', () => {
      this.write(this.encoder.status('BYE', 'Autologout: idle for too long'));
      this.end();
    });
    socket.on('error', () => this.end());
    socket.on('close', () => this.end());
  }

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.idle?.stop();
    this.idle = null;
    const compression = this.compression;
    if (compression) {
      // The last words (BYE, the LOGOUT OK) are still in the compressor: finish the stream first.
      compression.inflate.destroy();
      compression.deflate.once('end', () => this.socket.destroy());
      compression.deflate.once('error', () => this.socket.destroy());
      compression.deflate.end();
    } else {
      // Corked output (the BYE, the LOGOUT OK) leaves first; a client that never reads is cut off.
      const socket = this.socket;
      if (this.corked) socket.uncork();
      socket.end();
      setTimeout(() => socket.destroy(), 2_000).unref();
    }
    this.options.onClose(this);
  }

  private capabilities(): string[] {
    const caps = [...BASE_CAPABILITIES, `APPENDLIMIT=${this.options.maxMessageBytes}`];
    if (this.state === 'not-authenticated') {
      if (!this.secure) caps.push('STARTTLS');
      if (this.secure || this.options.allowCleartextAuth) caps.push('AUTH=PLAIN');
      else caps.push('LOGINDISABLED');
    }
    return caps;
  }

  /**
   * Pulls one event at a time from the reader (not all at once): a line that follows IDLE or an
   * AUTHENTICATE challenge must be read in raw mode, which is only known once the previous command
   * has run.
   */
  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.closed) {
        const event = this.reader.next();
        if (!event) break;
        await this.handle(event);
        if (this.socket.isPaused() && this.reader.bufferedBytes <= MAX_BUFFERED_BYTES) this.socket.resume();
      }
    } catch (error) {
      this.log.error({ event: 'imap.error', err: error }, 'connection failed');
      this.write(this.encoder.status('BYE', 'Internal error'));
      this.end();
    } finally {
      this.running = false;
    }
  }

  private async handle(event: ReaderEvent): Promise<void> {
    switch (event.type) {
      case 'error': {
        const { error } = event;
        if (error.fatal) {
          this.write(this.encoder.status('BYE', error.message));
          this.end();
          return;
        }
        const tag = error.tag;
        this.write(
          tag ? this.safeTagged(tag, 'BAD', error.message) : this.encoder.status('BAD', error.message),
        );
        return;
      }
      case 'literal': {
        // Before authentication only small literals (a password): nobody unknown makes us buffer MiBs.
        const limit =
          this.state === 'not-authenticated' ? PRE_AUTH_LITERAL_BYTES : this.options.maxMessageBytes;
        const tooBig = event.size > Math.min(MAX_LITERAL_BYTES, limit);
        if (tooBig) {
          this.write(this.safeTagged(event.tag, 'NO', 'Literal too large', code('TOOBIG')));
          this.reader.rejectLiteral();
        } else {
          this.write(this.encoder.continuation('Ready for literal data'));
          this.reader.acceptLiteral();
        }
        return;
      }
      case 'line':
        await this.rawLine(event.line.toString('utf8'));
        return;
      case 'command': {
        const parsed = parseCommand(event.frame);
        if (!parsed.ok) {
          const tag = parsed.error.tag;
          this.write(
            tag
              ? this.safeTagged(tag, 'BAD', parsed.error.message)
              : this.encoder.status('BAD', parsed.error.message),
          );
          return;
        }
        await this.run(parsed.value);
      }
    }
  }

  private safeTagged(
    tag: string,
    status: 'OK' | 'NO' | 'BAD',
    text: string,
    responseCode?: ReturnType<typeof code>,
  ): Buffer {
    try {
      return this.encoder.tagged(tag, status, text, responseCode);
    } catch {
      return this.encoder.status(status === 'OK' ? 'OK' : 'BAD', text, responseCode);
    }
  }

  private async run(command: ImapCommand): Promise<void> {
    try {
      const completion = await this.dispatch(command);
      if (completion === null) return; // IDLE and AUTHENTICATE complete later.
      this.write(this.encoder.tagged(command.tag, 'OK', completion.text, completion.code ?? null));
    } catch (error) {
      if (error instanceof CommandError) {
        this.write(this.encoder.tagged(command.tag, error.status, error.message, error.code));
        return;
      }
      this.log.error({ event: 'imap.error', err: error, command: command.name }, 'command failed');
      this.write(
        this.encoder.tagged(command.tag, 'NO', 'Internal error, try again later', code('SERVERBUG')),
      );
    }
  }

  private async dispatch(command: ImapCommand): Promise<Completion | null> {
    const name = command.name;
    switch (name) {
      case 'CAPABILITY':
        this.write(this.encoder.untagged(atom('CAPABILITY'), ...this.capabilities().map(atom)));
        return { text: 'Capability completed' };
      case 'NOOP':
      case 'CHECK':
        await this.reportUpdates(true);
        return { text: `${name} completed` };
      case 'LOGOUT':
        this.write(this.encoder.status('BYE', 'Logging out'));
        this.write(this.encoder.tagged(command.tag, 'OK', 'Logout completed'));
        this.state = 'logout';
        this.end();
        return null;
      case 'ID':
        this.write(this.encoder.untagged(atom('ID'), ['name', 'Facteur', 'vendor', 'Facteur']));
        return { text: 'ID completed' };
      case 'STARTTLS':
        return this.startTls(command);
      case 'LOGIN':
        return this.login(command);
      case 'AUTHENTICATE':
        return this.authenticate(command);
    }
    if (this.state === 'not-authenticated') throw bad('Authenticate first');
    switch (name) {
      case 'COMPRESS':
        return this.compress(command);
      case 'ENABLE':
        return this.enable(command);
      case 'NAMESPACE':
        return namespace(this);
      case 'LIST':
        return list(this, command);
      case 'LSUB':
        return list(this, command, true);
      case 'STATUS':
        return status(this, command);
      case 'SELECT':
      case 'EXAMINE':
        return select(this, command, name === 'EXAMINE');
      case 'IDLE':
        return this.startIdle(command);
      case 'CREATE':
      case 'DELETE':
      case 'RENAME':
      case 'SUBSCRIBE':
      case 'UNSUBSCRIBE':
        return manage(this, command);
      case 'APPEND':
        return append(this, command, this.options.maxMessageBytes);
      case 'GETQUOTA':
      case 'GETQUOTAROOT':
      case 'SETQUOTA':
        return quota(this, command);
    }
    if (this.state !== 'selected') throw bad('No mailbox selected');
    switch (name) {
      case 'UNSELECT':
        return unselect(this, false);
      case 'CLOSE':
        return unselect(this, true);
      case 'FETCH':
      case 'UID FETCH':
        return fetch(this, command, name === 'UID FETCH');
      case 'SEARCH':
      case 'UID SEARCH': {
        const done = await search(this, command, name === 'UID SEARCH');
        return done;
      }
      case 'SORT':
      case 'UID SORT':
        return sort(this, command, name === 'UID SORT');
      case 'THREAD':
      case 'UID THREAD':
        return thread(this, command, name === 'UID THREAD');
      case 'STORE':
      case 'UID STORE':
        return store(this, command, name === 'UID STORE');
      case 'EXPUNGE':
      case 'UID EXPUNGE':
        return expunge(this, command, name === 'UID EXPUNGE');
      case 'COPY':
      case 'UID COPY':
      case 'MOVE':
      case 'UID MOVE':
        return copy(this, command, name.startsWith('UID '), name.endsWith('MOVE'));
    }
    throw bad(`Unknown command ${name}`);
  }

  /** Sends what changed in the selected mailbox since the last report. */
  async reportUpdates(allowExpunge: boolean): Promise<void> {
    if (!this.selected) return;
    writeMailboxUpdate(this, await this.selected.refresh(allowExpunge));
  }

  private async startTls(_command: ImapCommand): Promise<Completion | null> {
    if (this.secure) throw bad('Already using TLS');
    if (this.state !== 'not-authenticated') throw bad('STARTTLS only before authentication');
    this.write(this.encoder.tagged(_command.tag, 'OK', 'Begin TLS negotiation now'));
    // Whatever was pipelined after STARTTLS is dropped with the old reader: it arrived in clear text.
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('timeout');
    plain.removeAllListeners('error');
    plain.removeAllListeners('close');
    const secured = new TLSSocket(plain, {
      isServer: true,
      key: this.options.tls.key,
      cert: this.options.tls.cert,
    });
    this.socket = secured;
    this.secure = true;
    this.reader = new CommandReader({ maxLiteralSize: MAX_LITERAL_BYTES });
    this.attach(secured);
    secured.setTimeout(PRE_AUTH_TIMEOUT_MS);
    return null;
  }

  private async compress(command: ImapCommand): Promise<Completion | null> {
    const [mechanism, ...rest] = command.args;
    if (!isPlainAtom(mechanism) || mechanism.value.toUpperCase() !== 'DEFLATE' || rest.length > 0) {
      throw bad('Only COMPRESS DEFLATE is supported');
    }
    if (this.compression) throw no('Compression is already active', code('COMPRESSIONACTIVE'));
    this.write(this.encoder.tagged(command.tag, 'OK', 'DEFLATE active'));
    const inflate = createInflateRaw();
    const deflate = createDeflateRaw({ windowBits: 13, memLevel: 6 });
    deflate.on('data', (chunk: Buffer) => {
      if (this.socket.writable) this.socket.write(chunk);
    });
    inflate.on('data', (chunk: Buffer) => this.receive(chunk));
    // Corrupt compressed input cannot be resynchronised: the connection ends.
    inflate.on('error', () => this.end());
    deflate.on('error', () => this.end());
    // Anything buffered after the command was sent before the client saw our OK: not compressed
    // data, and not to be trusted as commands either.
    this.reader = new CommandReader({ maxLiteralSize: MAX_LITERAL_BYTES });
    this.compression = { inflate, deflate, flushQueued: false };
    return null;
  }

  private async login(command: ImapCommand): Promise<Completion> {
    if (this.state !== 'not-authenticated') throw bad('Already authenticated');
    this.requirePrivacy();
    const login = required(parseAstringText(command.args[0]));
    const password = required(parseAstringText(command.args[1]));
    if (command.args.length !== 2) throw bad('LOGIN takes a user name and a password');
    return this.signIn(login, password);
  }

  private async authenticate(command: ImapCommand): Promise<Completion | null> {
    if (this.state !== 'not-authenticated') throw bad('Already authenticated');
    this.requirePrivacy();
    const mechanism = isPlainAtom(command.args[0]) ? command.args[0].value.toUpperCase() : '';
    if (mechanism !== 'PLAIN') throw no('Unsupported authentication mechanism', code('CANNOT'));
    const initial = command.args[1];
    if (initial) {
      if (!isPlainAtom(initial)) throw bad('Invalid initial response');
      return this.plain(initial.value === '=' ? '' : initial.value);
    }
    this.saslTag = command.tag;
    this.reader.expectRawLine();
    this.write(this.encoder.continuation(''));
    return null;
  }

  private async rawLine(line: string): Promise<void> {
    if (this.idle) {
      const { tag, stop } = this.idle;
      stop();
      this.idle = null;
      if (line.trim().toUpperCase() === 'DONE') this.write(this.encoder.tagged(tag, 'OK', 'IDLE terminated'));
      else this.write(this.encoder.tagged(tag, 'BAD', 'Expected DONE'));
      return;
    }
    const tag = this.saslTag;
    this.saslTag = null;
    if (tag === null) return;
    if (line.trim() === '*') {
      this.write(this.encoder.tagged(tag, 'BAD', 'Authentication cancelled'));
      return;
    }
    try {
      const completion = await this.plain(line.trim());
      this.write(this.encoder.tagged(tag, 'OK', completion.text, completion.code ?? null));
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      this.write(this.encoder.tagged(tag, error.status, error.message, error.code));
    }
  }

  /** SASL PLAIN (RFC 4616): authzid NUL authcid NUL password; authzid empty or the same user. */
  private async plain(base64: string): Promise<Completion> {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw bad('Invalid base64');
    const fields = Buffer.from(base64, 'base64').toString('utf8').split('\0');
    if (fields.length !== 3) throw bad('Invalid PLAIN response');
    const [authzid, login, password] = fields as [string, string, string];
    if (authzid !== '' && authzid !== login)
      throw no('Cannot act as another user', code('AUTHORIZATIONFAILED'));
    return this.signIn(login, password);
  }

  private requirePrivacy(): void {
    if (!this.secure && !this.options.allowCleartextAuth) {
      throw no('Use TLS (STARTTLS or port 9930) before sending a password', code('PRIVACYREQUIRED'));
    }
  }

  private async signIn(login: string, password: string): Promise<Completion> {
    let account: NonNullable<Session['account']>;
    try {
      account = await verifySignIn(
        this.ctx,
        this.options.throttle,
        { login, password, client: this.remoteAddress },
        { appPasswords: 'imap' },
      );
    } catch (error) {
      if (error instanceof UserError) {
        if (error.code === 'auth.locked' || error.code === 'auth.throttled') {
          throw no('Too many failed attempts, try again later', code('UNAVAILABLE'));
        }
        throw no('Invalid user name or password', code('AUTHENTICATIONFAILED'));
      }
      throw error;
    }
    if (account.must_change_password) {
      throw no('Change your provisional password in the web portal first', code('AUTHENTICATIONFAILED'));
    }
    if (!this.options.admitAccount(account.id)) {
      throw no('Too many connections for this account', code('LIMIT'));
    }
    this.account = account;
    this.state = 'authenticated';
    this.socket.setTimeout(AUTHENTICATED_TIMEOUT_MS);
    this.log.info({ event: 'imap.login', account: account.identifier }, 'signed in');
    return { text: 'Logged in', code: code('CAPABILITY', ...this.capabilities().map(atom)) };
  }

  private async enable(command: ImapCommand): Promise<Completion> {
    const enabled: string[] = [];
    for (const node of command.args) {
      if (!isPlainAtom(node)) throw bad('Expected capability names');
      const name = node.value.toUpperCase();
      if (name === 'UTF8=ACCEPT' && !this.utf8) {
        this.utf8 = true;
        this.encoder.utf8 = true;
        enabled.push(name);
      } else if (name === 'IMAP4REV2' && !this.rev2) {
        this.rev2 = true;
        enabled.push('IMAP4rev2');
      } else if (name === 'CONDSTORE' && !this.condstore) {
        this.condstore = true;
        enabled.push(name);
      } else if (name === 'QRESYNC' && !this.qresync) {
        // QRESYNC implies CONDSTORE (RFC 7162 §3.2.3).
        this.qresync = true;
        if (!this.condstore) enabled.push('CONDSTORE');
        this.condstore = true;
        enabled.push(name);
      }
    }
    this.write(this.encoder.untagged(atom('ENABLED'), ...enabled.map(atom)));
    return { text: 'Enable completed' };
  }

  private async startIdle(command: ImapCommand): Promise<Completion | null> {
    const account = this.account;
    if (!account) throw bad('Authenticate first');
    // Raw mode before the `+`: the client may answer DONE as soon as it reads it.
    this.reader.expectRawLine();
    this.write(this.encoder.continuation('idling'));
    await this.reportUpdates(true);
    let pending = Promise.resolve();
    const stop = this.ctx.changes.subscribe(account.id, (change) => {
      if (!this.selected || !change.mailboxIds.includes(this.selected.id)) return;
      pending = pending
        .then(() => this.reportUpdates(true))
        .catch((error: unknown) => {
          this.log.error({ event: 'imap.error', err: error }, 'IDLE update failed');
        });
    });
    this.idle = { tag: command.tag, stop };
    return null;
  }
}
