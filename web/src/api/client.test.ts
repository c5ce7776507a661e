import { describe, expect, it } from 'vitest';
import { ApiError, createApiClient, readCookie } from './client';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(responses: Response[]) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = responses.shift();
    if (!next) throw new TypeError('Failed to fetch');
    return next;
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('readCookie', () => {
  it('finds a cookie among others and decodes it', () => {
    expect(readCookie('a=1; facteur_csrf=abc%3D; b=2', 'facteur_csrf')).toBe('abc=');
    expect(readCookie('xfacteur_csrf=1', 'facteur_csrf')).toBeUndefined();
    expect(readCookie('', 'facteur_csrf')).toBeUndefined();
  });
});

describe('createApiClient', () => {
  it('sends the CSRF cookie as X-CSRF-Token on mutating requests only, same-origin credentials', async () => {
    const { fetch, calls } = fakeFetch([json(200, { ok: 1 }), json(200, { ok: 2 })]);
    const client = createApiClient({ fetch, readCookies: () => 'facteur_csrf=tok123' });
    await client.get('/api/session');
    await client.post('/api/session', { login: 'sdupont', password: 'x' });
    const [get, post] = calls as [Call, Call];
    expect((get.init.headers as Record<string, string>)['x-csrf-token']).toBeUndefined();
    expect((post.init.headers as Record<string, string>)['x-csrf-token']).toBe('tok123');
    expect(post.init.credentials).toBe('same-origin');
    expect(post.init.body).toBe('{"login":"sdupont","password":"x"}');
  });

  it('fetches /api/portal first when the CSRF cookie is missing', async () => {
    let cookies = '';
    const { fetch, calls } = fakeFetch([json(200, {}), new Response(null, { status: 204 })]);
    const client = createApiClient({
      fetch: (async (url: string, init: RequestInit) => {
        const response = await fetch(url, init);
        cookies = 'facteur_csrf=fresh';
        return response;
      }) as typeof globalThis.fetch,
      readCookies: () => cookies,
    });
    await expect(client.delete('/api/session')).resolves.toBeUndefined();
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual(['GET /api/portal', 'DELETE /api/session']);
    const headers = (calls[1] as Call).init.headers as Record<string, string>;
    expect(headers['x-csrf-token']).toBe('fresh');
  });

  it('turns problem+json into an ApiError carrying the problem', async () => {
    const body = {
      type: 'about:blank',
      title: 'Locked',
      status: 423,
      code: 'auth.locked',
      lockedUntil: '2025-01-01T00:00:00Z',
    };
    const { fetch } = fakeFetch([json(423, body, 'application/problem+json')]);
    const client = createApiClient({ fetch, readCookies: () => 'facteur_csrf=t' });
    const error = await client.post('/api/session', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).problem).toEqual(body);
  });

  it('reports a network failure and a non-JSON gateway error with client codes', async () => {
    const down = createApiClient({ fetch: fakeFetch([]).fetch, readCookies: () => '' });
    await expect(down.get('/api/portal')).rejects.toMatchObject({
      problem: { code: 'client.network', status: 0 },
    });
    const proxy = createApiClient({
      fetch: fakeFetch([
        new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
      ]).fetch,
      readCookies: () => '',
    });
    await expect(proxy.get('/api/portal')).rejects.toMatchObject({
      problem: { code: 'client.server', status: 502 },
    });
  });
});
