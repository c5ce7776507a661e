/**
 * Identities (JMAP Identity, RFC 8621 §6): who the user writes as — name, address, Reply-To, Bcc and
 * signatures. The account's primary address and each alias are an identity of their own, which the
 * user may rename and sign but not delete; the user may create more (another name on an address
 * they own) and delete those.
 *
 * Implementation notes
 * - Own identities have no row until changed: ids are the account id (primary address) and `a-` +
 *   the alias in base64url, as before 0008, so held submissions keep their identityId.
 * - An identity is offered only while its address is still the account's: an alias removed by the
 *   helpdesk takes its identities with it (created ones stay stored, hidden, and come back with it).
 * - Signatures are bounded (MAX_SIGNATURE_BYTES in UTF-8 each). The HTML signature is stored as
 *   given: it is untrusted, and sanitized where it is shown (the web client's DOMPurify), like mail.
 * - Every change takes the next account modseq, which is the Identity state; Identity/changes reads
 *   the rows changed since, and the change feed is told once the row is written (JMAP push).
 *   Aliases added or removed by an administrator are not in that log: a client sees them at its
 *   next Identity/get (the web client reads identities on every load).
 */
import { randomUUID } from 'node:crypto';
import { InputError, UserError } from '../../lib/errors/index.js';
import {
  type Account,
  destroyIdentity as destroyIdentityRow,
  ensureAccountUsage,
  findIdentityRows,
  type IdentityRow,
  insertIdentity,
  listAliases,
  nextModseq,
  updateIdentity as updateIdentityRow,
  upsertIdentityOverride,
} from '../../store/sql/index.js';
import type { CoreContext } from '../context.js';

export const MAX_SIGNATURE_BYTES = 10 * 1024;
export const MAX_IDENTITY_NAME_LENGTH = 200;
/** Addresses in an identity's replyTo or bcc. */
const MAX_IDENTITY_ADDRESSES = 20;
/** Identities a user may create (besides their own address and aliases). */
export const MAX_CREATED_IDENTITIES = 50;

const ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+$/;

export interface IdentityAddress {
  name: string | null;
  email: string;
}

export interface Identity {
  id: string;
  name: string;
  email: string;
  replyTo: IdentityAddress[] | null;
  bcc: IdentityAddress[] | null;
  textSignature: string;
  htmlSignature: string;
  mayDelete: boolean;
}

/** The settable properties (all of them on create, but `email`; any but `email` on update). */
export interface IdentityInput {
  name?: unknown;
  email?: unknown;
  replyTo?: unknown;
  bcc?: unknown;
  textSignature?: unknown;
  htmlSignature?: unknown;
}

export function aliasIdentityId(address: string): string {
  return `a-${Buffer.from(address).toString('base64url')}`;
}

function invalid(property: string, message: string): InputError {
  return new InputError('identity.invalid', message, { properties: [property] });
}

function parseAddresses(value: unknown, property: string): IdentityAddress[] | null {
  if (value === null) return null;
  if (!Array.isArray(value) || value.length > MAX_IDENTITY_ADDRESSES) {
    throw invalid(
      property,
      `${property} must be null or a list of at most ${MAX_IDENTITY_ADDRESSES} addresses`,
    );
  }
  return value.map((entry) => {
    const { name, email } = (entry ?? {}) as Record<string, unknown>;
    if (typeof email !== 'string' || !ADDRESS.test(email) || email.length > 254) {
      throw invalid(property, `${property}: bad address`);
    }
    if (name !== undefined && name !== null && (typeof name !== 'string' || name.length > 200)) {
      throw invalid(property, `${property}: bad name`);
    }
    const clean = typeof name === 'string' ? name.replace(/[\r\n]+/g, ' ').trim() : '';
    return { name: clean === '' ? null : clean, email };
  });
}

function parseSignature(value: unknown, property: string): string {
  if (typeof value !== 'string') throw invalid(property, `${property} must be a string`);
  if (Buffer.byteLength(value, 'utf8') > MAX_SIGNATURE_BYTES) {
    throw invalid(property, `${property} is limited to ${MAX_SIGNATURE_BYTES} bytes`);
  }
  return value;
}

/** The columns a patch of settable properties changes. @throws InputError `identity.invalid` */
function columnsOf(input: IdentityInput): Partial<IdentityRow> {
  const out: Partial<IdentityRow> = {};
  if (input.name !== undefined) {
    if (typeof input.name !== 'string' || input.name.length > MAX_IDENTITY_NAME_LENGTH) {
      throw invalid('name', `name must be a string of at most ${MAX_IDENTITY_NAME_LENGTH} characters`);
    }
    out.name = input.name.replace(/[\r\n]+/g, ' ').trim();
  }
  if (input.replyTo !== undefined) {
    const list = parseAddresses(input.replyTo, 'replyTo');
    out.reply_to = list === null ? null : JSON.stringify(list);
  }
  if (input.bcc !== undefined) {
    const list = parseAddresses(input.bcc, 'bcc');
    out.bcc = list === null ? null : JSON.stringify(list);
  }
  if (input.textSignature !== undefined)
    out.text_signature = parseSignature(input.textSignature, 'textSignature');
  if (input.htmlSignature !== undefined)
    out.html_signature = parseSignature(input.htmlSignature, 'htmlSignature');
  return out;
}

function fromRow(row: IdentityRow): Identity {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    replyTo: row.reply_to === null ? null : (JSON.parse(row.reply_to) as IdentityAddress[]),
    bcc: row.bcc === null ? null : (JSON.parse(row.bcc) as IdentityAddress[]),
    textSignature: row.text_signature,
    htmlSignature: row.html_signature,
    mayDelete: row.may_delete === 1,
  };
}

interface Known {
  /** Live identities offered to the user, own ones first. */
  identities: Identity[];
  rows: IdentityRow[];
  owned: Set<string>;
}

async function known(ctx: CoreContext, account: Account): Promise<Known> {
  const [aliases, rows] = await Promise.all([
    listAliases(ctx.db, account.id),
    findIdentityRows(ctx.db, account.id),
  ]);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const name = `${account.first_name} ${account.last_name}`.trim();
  const own = (id: string, email: string): Identity => {
    const row = byId.get(id);
    return row
      ? { ...fromRow(row), id, email, mayDelete: false }
      : {
          id,
          name,
          email,
          replyTo: null,
          bcc: null,
          textSignature: '',
          htmlSignature: '',
          mayDelete: false,
        };
  };
  const ownIdentities = [
    own(account.id, account.address),
    ...aliases.map((alias) => own(aliasIdentityId(alias.address), alias.address)),
  ];
  const owned = new Set([account.address.toLowerCase(), ...aliases.map((a) => a.address.toLowerCase())]);
  const created = rows
    .filter((row) => row.may_delete === 1 && row.destroyed === 0 && owned.has(row.email.toLowerCase()))
    .map(fromRow);
  return { identities: [...ownIdentities, ...created], rows, owned };
}

export async function listIdentities(ctx: CoreContext, account: Account): Promise<Identity[]> {
  return (await known(ctx, account)).identities;
}

async function takeModseq(ctx: CoreContext, account: Account): Promise<number> {
  await ensureAccountUsage(ctx.db, account.id);
  return nextModseq(ctx.db, account.id);
}

/** Tells the change feed, once the row of `modseq` is written. */
function published(ctx: CoreContext, account: Account, modseq: number): void {
  ctx.changes.publish({ accountId: account.id, mailboxIds: [], modseq });
}

/**
 * @throws InputError `identity.invalid` (details.properties); UserError `identity.from_not_owned`,
 *   `identity.too_many`
 */
export async function createIdentity(
  ctx: CoreContext,
  account: Account,
  input: IdentityInput,
): Promise<Identity> {
  const { owned, rows } = await known(ctx, account);
  if (typeof input.email !== 'string') throw invalid('email', 'email is required');
  const email = input.email.trim().toLowerCase();
  if (!owned.has(email)) {
    throw new UserError('identity.from_not_owned', `<${input.email}> is not an address of this account`);
  }
  if (rows.filter((row) => row.may_delete === 1 && row.destroyed === 0).length >= MAX_CREATED_IDENTITIES) {
    throw new UserError('identity.too_many', `at most ${MAX_CREATED_IDENTITIES} identities may be created`);
  }
  const columns = columnsOf(input);
  const modseq = await takeModseq(ctx, account);
  const now = ctx.clock.now();
  const row = await insertIdentity(ctx.db, {
    id: randomUUID(),
    account_id: account.id,
    email,
    name: columns.name ?? `${account.first_name} ${account.last_name}`.trim(),
    reply_to: columns.reply_to ?? null,
    bcc: columns.bcc ?? null,
    text_signature: columns.text_signature ?? '',
    html_signature: columns.html_signature ?? '',
    may_delete: 1,
    destroyed: 0,
    created_modseq: modseq,
    modseq,
    created_at: now,
    updated_at: now,
  });
  published(ctx, account, modseq);
  return fromRow(row);
}

/**
 * Changes settable properties of one of the user's identities; `email` cannot change.
 * @throws UserError `identity.not_found`; InputError `identity.invalid`
 */
export async function updateIdentity(
  ctx: CoreContext,
  account: Account,
  id: string,
  patch: IdentityInput,
): Promise<void> {
  const { identities } = await known(ctx, account);
  const current = identities.find((identity) => identity.id === id);
  if (!current) throw new UserError('identity.not_found', 'no such identity');
  if (patch.email !== undefined && patch.email !== current.email) {
    throw invalid('email', 'the address of an identity cannot change');
  }
  const columns = columnsOf(patch);
  const modseq = await takeModseq(ctx, account);
  const now = ctx.clock.now();
  if (current.mayDelete) {
    await updateIdentityRow(ctx.db, account.id, id, { ...columns, modseq, updated_at: now });
    published(ctx, account, modseq);
    return;
  }
  await upsertIdentityOverride(ctx.db, {
    id,
    account_id: account.id,
    email: current.email,
    name: columns.name ?? current.name,
    reply_to:
      columns.reply_to !== undefined
        ? columns.reply_to
        : current.replyTo === null
          ? null
          : JSON.stringify(current.replyTo),
    bcc: columns.bcc !== undefined ? columns.bcc : current.bcc === null ? null : JSON.stringify(current.bcc),
    text_signature: columns.text_signature ?? current.textSignature,
    html_signature: columns.html_signature ?? current.htmlSignature,
    may_delete: 0,
    destroyed: 0,
    created_modseq: 0,
    modseq,
    created_at: now,
    updated_at: now,
  });
  published(ctx, account, modseq);
}

/** @throws UserError `identity.not_found`, `identity.forbidden` (the account's own identities) */
export async function destroyIdentity(ctx: CoreContext, account: Account, id: string): Promise<void> {
  const { identities } = await known(ctx, account);
  const current = identities.find((identity) => identity.id === id);
  if (!current) throw new UserError('identity.not_found', 'no such identity');
  if (!current.mayDelete) {
    throw new UserError('identity.forbidden', 'the identity of one of your addresses cannot be deleted');
  }
  const modseq = await takeModseq(ctx, account);
  await destroyIdentityRow(ctx.db, account.id, id, modseq, ctx.clock.now());
  published(ctx, account, modseq);
}

export interface IdentityChanges {
  created: string[];
  updated: string[];
  destroyed: string[];
}

/** Identities created, updated and destroyed after `sinceModseq` (see the notes above). */
export async function identityChangesSince(
  ctx: CoreContext,
  account: Account,
  sinceModseq: number,
): Promise<IdentityChanges> {
  const rows = await findIdentityRows(ctx.db, account.id);
  const out: IdentityChanges = { created: [], updated: [], destroyed: [] };
  for (const row of rows) {
    if (row.modseq <= sinceModseq) continue;
    const createdAfter = row.created_modseq > sinceModseq;
    if (row.destroyed === 1) {
      if (!createdAfter) out.destroyed.push(row.id);
    } else if (createdAfter) out.created.push(row.id);
    else out.updated.push(row.id);
  }
  return out;
}
