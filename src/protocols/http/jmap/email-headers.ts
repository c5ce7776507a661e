/**
 * The header properties of Email/get (RFC 8621 §4.1.3): `headers` and `header:{name}[:as{Form}][:all]`,
 * on the email and, through bodyProperties, on its parts.
 *
 * Implementation notes
 * - The values are read from the stored message (the header block as written) and decoded by
 *   lib/mime/header-forms.ts; nothing of them is kept in the database.
 * - A property is checked before anything is read: a malformed one, an unknown form, or a form the
 *   RFC does not allow for that field (§4.1.2: the fields of RFC 5322 and RFC 2369 each have their
 *   forms; any other field may be asked in every form) is invalidArguments. Raw is allowed for all.
 * - The field name matches case-insensitively; the answer's key is the property exactly as asked.
 *   Without `:all` the value is that of the last field of the name (null when there is none); with
 *   it, the values of all of them in order ([] when none).
 */
import {
  HEADER_FORMS,
  type HeaderForm,
  headerFormValue,
  type RawHeaderField,
} from '../../../lib/mime/index.js';
import { invalidArguments } from './dispatch.js';

export interface HeaderRequest {
  /** The property as asked, the key of the answer. */
  property: string;
  /** The field name, lower-cased. */
  key: string;
  form: HeaderForm;
  all: boolean;
}

const ADDRESSES: readonly HeaderForm[] = ['Addresses', 'GroupedAddresses'];

/** The forms besides Raw of the fields RFC 5322 and RFC 2369 define (RFC 8621 §4.1.2). */
const KNOWN_FIELDS: ReadonlyMap<string, readonly HeaderForm[]> = new Map<string, readonly HeaderForm[]>([
  ['date', ['Date']],
  ['resent-date', ['Date']],
  ['from', ADDRESSES],
  ['sender', ADDRESSES],
  ['reply-to', ADDRESSES],
  ['to', ADDRESSES],
  ['cc', ADDRESSES],
  ['bcc', ADDRESSES],
  ['resent-from', ADDRESSES],
  ['resent-sender', ADDRESSES],
  ['resent-reply-to', ADDRESSES],
  ['resent-to', ADDRESSES],
  ['resent-cc', ADDRESSES],
  ['resent-bcc', ADDRESSES],
  ['message-id', ['MessageIds']],
  ['in-reply-to', ['MessageIds']],
  ['references', ['MessageIds']],
  ['resent-message-id', ['MessageIds']],
  ['subject', ['Text']],
  ['comments', ['Text']],
  ['keywords', ['Text']],
  ['return-path', []],
  ['received', []],
  ['list-help', ['URLs']],
  ['list-unsubscribe', ['URLs']],
  ['list-subscribe', ['URLs']],
  ['list-post', ['URLs']],
  ['list-owner', ['URLs']],
  ['list-archive', ['URLs']],
]);

export const isHeaderProperty = (property: string) => property.startsWith('header:');

/** `header:{name}[:as{Form}][:all]`, checked. @throws invalidArguments */
export function parseHeaderProperty(property: string): HeaderRequest {
  const [, name = '', ...rest] = property.split(':');
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
    throw invalidArguments(`${property}: not a header field name`);
  }
  let form: HeaderForm = 'Raw';
  let all = false;
  if (rest.length > 2) throw invalidArguments(`${property}: header:{name}[:as{Form}][:all]`);
  for (const [index, part] of rest.entries()) {
    if (part === 'all' && index === rest.length - 1) {
      all = true;
    } else if (part.startsWith('as') && index === 0 && HEADER_FORMS.includes(part.slice(2) as HeaderForm)) {
      form = part.slice(2) as HeaderForm;
    } else {
      throw invalidArguments(`${property}: unknown header form "${part}"`);
    }
  }
  const key = name.toLowerCase();
  const allowed = KNOWN_FIELDS.get(key);
  if (form !== 'Raw' && allowed !== undefined && !allowed.includes(form)) {
    throw invalidArguments(`${property}: ${name} cannot be read as ${form}`);
  }
  return { property, key, form, all };
}

/** The asked header properties (`headers` and `header:…`) of one header block. */
export function headerValues(
  fields: readonly RawHeaderField[],
  requests: readonly HeaderRequest[],
  withHeaders: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (withHeaders) out.headers = fields.map((field) => ({ name: field.name, value: field.value }));
  for (const request of requests) {
    const values = fields
      .filter((field) => field.name.toLowerCase() === request.key)
      .map((field) => headerFormValue(field.value, request.form));
    out[request.property] = request.all ? values : (values[values.length - 1] ?? null);
  }
  return out;
}
