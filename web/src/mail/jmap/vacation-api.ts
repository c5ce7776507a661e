/** The user's vacation auto-reply over JMAP (RFC 8621 §8): the `singleton` VacationResponse. */
import type { JmapClient } from './jmap-client';

export interface Vacation {
  isEnabled: boolean;
  fromDate: string | null;
  toDate: string | null;
  subject: string | null;
  textBody: string | null;
}

/** Whether the auto-reply answers now: enabled, and now inside [fromDate, toDate). */
export function vacationActive(vacation: Vacation, now: Date): boolean {
  if (!vacation.isEnabled) return false;
  if (vacation.fromDate && new Date(vacation.fromDate) > now) return false;
  if (vacation.toDate && new Date(vacation.toDate) <= now) return false;
  return true;
}

export function createVacationApi(jmap: JmapClient) {
  const accountId = async () => (await jmap.session()).accountId;
  return {
    async get(): Promise<Vacation> {
      const results = await jmap.request([
        ['VacationResponse/get', { accountId: await accountId(), ids: ['singleton'] }, 'v'],
      ]);
      const [vacation] = (results.get('v')?.list ?? []) as Vacation[];
      if (!vacation) throw new Error('no VacationResponse');
      return vacation;
    },

    async set(vacation: Vacation): Promise<void> {
      const results = await jmap.request([
        ['VacationResponse/set', { accountId: await accountId(), update: { singleton: vacation } }, 's'],
      ]);
      const failed = (results.get('s')?.notUpdated as Record<string, { type: string }> | null)?.singleton;
      if (failed) throw new Error(failed.type);
    },
  };
}
