/**
 * VacationResponse/get and VacationResponse/set (RFC 8621 §8): the account's one auto-reply
 * setting, id "singleton".
 *
 * Implementation notes
 * - The object always exists (disabled and empty until first set): /get of "singleton" always finds
 *   it; /set may only update it. Create and destroy are refused with the `singleton` SetError
 *   (RFC 8620 §5.3).
 * - The state is the account state, like every other type: an update moves it. No
 *   VacationResponse/changes (the RFC does not define one for this type's clients to need).
 * - An update is a patch of whole properties (the object has no nested ones); a wrong type, an
 *   unknown or read-only property is invalidProperties with the properties named.
 * - The replies themselves are sent by core/outbound/vacation.ts at delivery.
 */
import { getVacation, updateVacation, type VacationSettings } from '../../../core/outbound/index.js';
import { InputError } from '../../../lib/errors/index.js';
import { invalidArguments, type MethodContext } from './dispatch.js';
import { utcDate } from './mail-objects.js';
import {
  accountState,
  getArguments,
  getResponse,
  knownArguments,
  requireAccount,
  stateForSet,
} from './method-arguments.js';
import { type MethodError, methodError } from './request.js';

export const VACATION_CAPABILITY = 'urn:ietf:params:jmap:vacationresponse';
const SINGLETON = 'singleton';

const PROPERTIES = ['id', 'isEnabled', 'fromDate', 'toDate', 'subject', 'textBody', 'htmlBody'] as const;

function vacationObject(settings: VacationSettings): Record<string, unknown> {
  return {
    id: SINGLETON,
    isEnabled: settings.isEnabled,
    fromDate: settings.fromDate === null ? null : utcDate(settings.fromDate),
    toDate: settings.toDate === null ? null : utcDate(settings.toDate),
    subject: settings.subject,
    textBody: settings.textBody,
    htmlBody: settings.htmlBody,
  };
}

export async function vacationResponseGet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { ids, properties, state } = await getArguments(call, args, PROPERTIES, 'VacationResponse');
  const object = vacationObject(await getVacation(call.ctx, call.account.id));
  // The id is always returned (RFC 8620 §5.1).
  const shown = Object.fromEntries(
    Object.entries(object).filter(([key]) => key === 'id' || properties.includes(key)),
  );
  return getResponse(call, state, ids ?? [SINGLETON], new Map([[SINGLETON, shown]]));
}

/** A UTCDate (or null) as epoch ms; undefined when it is neither. */
function instant(value: unknown): number | null | undefined {
  if (value === null) return null;
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The patch as settings, or the SetError naming every bad property. */
function parsePatch(patch: unknown): Partial<VacationSettings> | MethodError {
  if (!object(patch)) return methodError('invalidPatch', 'a patch is an object');
  const change: Partial<VacationSettings> = {};
  const bad: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    switch (key) {
      case 'id':
        if (value !== SINGLETON) bad.push(key);
        break;
      case 'isEnabled':
        if (typeof value === 'boolean') change.isEnabled = value;
        else bad.push(key);
        break;
      case 'fromDate':
      case 'toDate': {
        const ms = instant(value);
        if (ms === undefined) bad.push(key);
        else change[key] = ms;
        break;
      }
      case 'subject':
      case 'textBody':
      case 'htmlBody':
        if (value === null || typeof value === 'string') change[key] = value;
        else bad.push(key);
        break;
      default:
        bad.push(key);
    }
  }
  return bad.length > 0
    ? methodError('invalidProperties', 'wrong type, unknown or read-only', { properties: bad })
    : change;
}

const object = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export async function vacationResponseSet(
  call: MethodContext,
  args: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  requireAccount(call, args);
  knownArguments(args, ['accountId', 'ifInState', 'create', 'update', 'destroy']);
  const create = args.create ?? {};
  const update = args.update ?? {};
  const destroy = args.destroy ?? [];
  if (
    !object(create) ||
    !object(update) ||
    !Array.isArray(destroy) ||
    !destroy.every((id) => typeof id === 'string')
  ) {
    throw invalidArguments('create and update map ids to objects, destroy lists ids');
  }
  const oldState = await stateForSet(call, args);
  const singleton = () => methodError('singleton', 'there is exactly one VacationResponse, "singleton"');
  const notCreated = Object.fromEntries(Object.keys(create).map((id) => [id, singleton()]));
  const updated: Record<string, null> = {};
  const notUpdated: Record<string, MethodError> = {};
  for (const [id, patch] of Object.entries(update)) {
    if (id !== SINGLETON) {
      notUpdated[id] = methodError('notFound', 'the only VacationResponse is "singleton"');
      continue;
    }
    const change = parsePatch(patch);
    if ('type' in change) {
      notUpdated[id] = change;
      continue;
    }
    try {
      await updateVacation(call.ctx, call.account.id, change);
      updated[id] = null;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      notUpdated[id] = methodError('invalidProperties', error.message);
    }
  }
  const notDestroyed = Object.fromEntries((destroy as string[]).map((id) => [id, singleton()]));
  const orNull = <T extends object>(value: T) => (Object.keys(value).length > 0 ? value : null);
  return {
    accountId: call.account.id,
    oldState,
    newState: await accountState(call),
    created: null,
    updated: orNull(updated),
    destroyed: null,
    notCreated: orNull(notCreated),
    notUpdated: orNull(notUpdated),
    notDestroyed: orNull(notDestroyed),
  };
}
