/**
 * Server-side web sessions.
 *
 * Implementation notes
 * - The cookie holds a random 256-bit token; the database holds only its SHA-256, so a database
 *   leak yields no usable session. Revocation is deleting the row.
 * - A session ends after `sessionIdleMs` without activity or `sessionMaxMs` after sign-in,
 *   whichever comes first. Activity is written at most once a minute to spare the database.
 */
import { UserError } from '../../lib/errors/index.js';
import { describeUserAgent } from '../../lib/user-agent/index.js';
import { randomToken, sha256Hex } from '../../platform/crypto/index.js';
import {
  type Account,
  appendAudit,
  deleteSession,
  findAccountById,
  findSession,
  insertSession,
  listAccountSessions,
  type Session,
  touchSession,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';

const TOUCH_INTERVAL_MS = 60_000;

export interface SessionCredentials {
  token: string;
  session: Session;
}

export async function openSession(
  ctx: CoreContext,
  account: Account,
  client: { ip: string | null; userAgent: string | null },
): Promise<SessionCredentials> {
  const now = ctx.clock.now();
  const token = randomToken(32);
  const session: Session = {
    id: sha256Hex(token),
    account_id: account.id,
    created_at: now,
    last_seen_at: now,
    expires_at: Math.min(now + ctx.auth.sessionIdleMs, now + ctx.auth.sessionMaxMs),
    ip: client.ip,
    // User agents are attacker-controlled: bounded before storage.
    user_agent: client.userAgent?.slice(0, 512) ?? null,
  };
  await insertSession(ctx.db, session);
  return { token, session };
}

export interface ActiveSession {
  session: Session;
  account: Account;
}

/** The live session behind a cookie token, extended by this activity; undefined when none. */
export async function resumeSession(ctx: CoreContext, token: string): Promise<ActiveSession | undefined> {
  if (token.length === 0 || token.length > 128) return undefined;
  const session = await findSession(ctx.db, sha256Hex(token));
  if (!session) return undefined;
  const now = ctx.clock.now();
  const hardEnd = session.created_at + ctx.auth.sessionMaxMs;
  if (now >= session.expires_at || now >= hardEnd) {
    await deleteSession(ctx.db, session.account_id, session.id);
    return undefined;
  }
  const account = await findAccountById(ctx.db, session.account_id);
  if (account?.status !== 'active') {
    await deleteSession(ctx.db, session.account_id, session.id);
    return undefined;
  }
  if (now - session.last_seen_at >= TOUCH_INTERVAL_MS) {
    const expiresAt = Math.min(now + ctx.auth.sessionIdleMs, hardEnd);
    await touchSession(ctx.db, session.id, { lastSeenAt: now, expiresAt });
    return { session: { ...session, last_seen_at: now, expires_at: expiresAt }, account };
  }
  return { session, account };
}

export async function closeSession(ctx: CoreContext, active: ActiveSession): Promise<void> {
  await deleteSession(ctx.db, active.account.id, active.session.id);
}

/** Ends every session of the account except `keepSessionId` (after a password change). */
export async function closeOtherSessions(
  ctx: CoreContext,
  accountId: string,
  keepSessionId: string | null,
): Promise<number> {
  const sessions = await listAccountSessions(ctx.db, accountId);
  let closed = 0;
  for (const s of sessions) {
    if (s.id === keepSessionId) continue;
    await deleteSession(ctx.db, accountId, s.id);
    closed++;
  }
  return closed;
}

/** The owner ends every other session of theirs ("Déconnecter les autres sessions"). @returns how many. */
export async function signOutOtherSessions(
  ctx: CoreContext,
  account: Account,
  keepSessionId: string,
): Promise<number> {
  const closed = await closeOtherSessions(ctx, account.id, keepSessionId);
  await appendAudit(ctx.db, {
    at: ctx.clock.now(),
    actor: account.id,
    action: 'session.revoked_others',
    target: account.identifier,
    details: { count: closed },
  });
  return closed;
}

/** A session as its owner sees it in "Sessions actives". */
export interface SessionView {
  /** Not the session id: a digest of it, enough to name it, useless as a credential. */
  id: string;
  current: boolean;
  createdAt: number;
  lastSeenAt: number;
  ip: string | null;
  browser: string | null;
  os: string | null;
  mobile: boolean;
}

export function publicSessionId(session: Session): string {
  return sha256Hex(session.id).slice(0, 32);
}

/** The account's live sessions: the caller's (`currentId`) first, then the most recently active. */
export async function listSessions(
  ctx: CoreContext,
  accountId: string,
  currentId: string,
): Promise<SessionView[]> {
  const now = ctx.clock.now();
  return (await listAccountSessions(ctx.db, accountId))
    .filter((s) => s.expires_at > now && s.created_at + ctx.auth.sessionMaxMs > now)
    .map((s) => ({
      id: publicSessionId(s),
      current: s.id === currentId,
      createdAt: s.created_at,
      lastSeenAt: s.last_seen_at,
      ip: s.ip,
      ...describeUserAgent(s.user_agent),
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/**
 * Ends one of the account's sessions, named by its public id.
 * @returns the ended session, or undefined when the account has none such.
 */
export async function closeSessionById(
  ctx: CoreContext,
  account: Account,
  publicId: string,
): Promise<Session | undefined> {
  const session = (await listAccountSessions(ctx.db, account.id)).find(
    (s) => publicSessionId(s) === publicId,
  );
  if (!session) return undefined;
  await deleteSession(ctx.db, account.id, session.id);
  await appendAudit(ctx.db, {
    at: ctx.clock.now(),
    actor: account.id,
    action: 'session.revoked',
    target: account.identifier,
    details: { ip: session.ip },
  });
  return session;
}

export function assertPasswordChanged(account: Account): void {
  if (account.must_change_password) {
    throw new UserError('auth.password_change_required', 'the password must be changed before anything else');
  }
}
