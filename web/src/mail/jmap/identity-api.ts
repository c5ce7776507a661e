/** The user's identities over JMAP (RFC 8621 §6): read them, change name, Reply-To, Bcc and signatures. */
import type { JmapClient } from './jmap-client';
import type { Identity } from './types';

export class IdentityError extends Error {
  constructor(
    readonly type: string,
    readonly properties: readonly string[],
    description: string,
  ) {
    super(`${type}: ${description}`);
    this.name = 'IdentityError';
  }
}

export type IdentityPatch = Partial<
  Pick<Identity, 'name' | 'textSignature' | 'htmlSignature' | 'replyTo' | 'bcc'>
>;

export function createIdentityApi(jmap: JmapClient) {
  const accountId = async () => (await jmap.session()).accountId;
  return {
    async list(): Promise<Identity[]> {
      const results = await jmap.request([['Identity/get', { accountId: await accountId() }, 'i']]);
      return (results.get('i')?.list ?? []) as Identity[];
    },

    async update(id: string, patch: IdentityPatch): Promise<void> {
      const results = await jmap.request([
        ['Identity/set', { accountId: await accountId(), update: { [id]: patch } }, 's'],
      ]);
      const failed = (
        results.get('s')?.notUpdated as Record<
          string,
          { type: string; description?: string; properties?: string[] }
        > | null
      )?.[id];
      if (failed) throw new IdentityError(failed.type, failed.properties ?? [], failed.description ?? '');
    },
  };
}

export type IdentityApi = ReturnType<typeof createIdentityApi>;
