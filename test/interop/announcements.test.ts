/**
 * `facteur announce` and `facteur audit` against a running server: announcements added from the
 * command line reach GET /api/portal (news while current, maintenance from publication until its
 * end, English falling back to French), bad input is refused with nothing stored, removal and both
 * events are in the audit log, which `facteur audit list` filters by user and action.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServerWithUsers, type TestServer } from '../helpers/facteur.js';

const PASSWORD = 'Motdepasse-solide-2026!';
const HOUR = 3_600_000;
let t: TestServer;

beforeEach(async () => {
  t = await startServerWithUsers(PASSWORD, [['Sylvie', 'Dupont']]);
});

afterEach(async () => {
  await t.close();
});

const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

async function announce(...args: string[]) {
  return t.cli('announce', 'add', ...args, '--json');
}

async function portalAnnouncements() {
  const response = await t.client().request('GET', '/api/portal');
  expect(response.status).toBe(200);
  return response.json.announcements as {
    id: string;
    kind: string;
    startsAt: string;
    endsAt: string;
    text: Record<'fr' | 'en', { title: string; body: string }>;
  }[];
}

describe('announcements', () => {
  it('shows news while current and maintenance from its publication, in both languages', async () => {
    const news = await announce(
      '--start',
      at(-HOUR),
      '--end',
      at(HOUR),
      '--title',
      'Nouvelle messagerie',
      '--text',
      'Bienvenue.\nBonne rentrée.',
      '--title-en',
      'New webmail',
      '--text-en',
      'Welcome.',
    );
    expect(news.code, news.stderr).toBe(0);
    const maintenance = await announce(
      '--kind',
      'maintenance',
      '--start',
      at(24 * HOUR),
      '--end',
      at(26 * HOUR),
      '--title',
      'Coupure du service',
      '--text',
      'La messagerie sera indisponible.',
    );
    expect(maintenance.code, maintenance.stderr).toBe(0);
    const later = await announce(
      '--start',
      at(48 * HOUR),
      '--end',
      at(50 * HOUR),
      '--title',
      'Plus tard',
      '--text',
      'Pas encore.',
    );
    expect(later.code, later.stderr).toBe(0);

    const shown = await portalAnnouncements();
    expect(shown.map((a) => a.text.fr.title)).toEqual(['Nouvelle messagerie', 'Coupure du service']);
    expect(shown[0]?.text).toEqual({
      fr: { title: 'Nouvelle messagerie', body: 'Bienvenue.\nBonne rentrée.' },
      en: { title: 'New webmail', body: 'Welcome.' },
    });
    // No English given: the French is shown.
    expect(shown[1]?.text.en).toEqual(shown[1]?.text.fr);
    expect(shown[1]?.kind).toBe('maintenance');
    expect(Date.parse(shown[1]?.startsAt ?? '')).toBeGreaterThan(Date.now());

    const listed = JSON.parse((await t.cli('announce', 'list', '--json')).stdout) as { id: string }[];
    expect(listed).toHaveLength(3);
    const id = JSON.parse(news.stdout).id as string;
    const removed = await t.cli('announce', 'remove', id);
    expect(removed.code).toBe(0);
    expect((await portalAnnouncements()).map((a) => a.text.fr.title)).toEqual(['Coupure du service']);
    expect((await t.cli('announce', 'remove', id)).code).toBe(1);

    const audit = JSON.parse(
      (await t.cli('audit', 'list', '--action', 'announcement.', '--json')).stdout,
    ) as {
      action: string;
      target: string;
    }[];
    expect(audit.map((e) => e.action)).toEqual([
      'announcement.removed',
      'announcement.added',
      'announcement.added',
      'announcement.added',
    ]);
    expect(audit[0]?.target).toBe(id);
  });

  it('refuses bad input and stores nothing', async () => {
    const cases: [string[], number, RegExp][] = [
      [['--start', 'demain', '--end', at(HOUR), '--title', 'x', '--text', 'y'], 2, /--start expects a time/],
      [['--start', at(0), '--end', at(HOUR), '--title', 'x'], 2, /missing --text/],
      [['--kind', 'alerte', '--start', at(0), '--end', at(HOUR), '--title', 'x', '--text', 'y'], 2, /--kind/],
      [['--start', at(2 * HOUR), '--end', at(HOUR), '--title', 'x', '--text', 'y'], 1, /after the start/],
      [['--start', at(-2 * HOUR), '--end', at(-HOUR), '--title', 'x', '--text', 'y'], 1, /already past/],
      [['--start', at(0), '--end', at(HOUR), '--title', 'x'.repeat(121), '--text', 'y'], 1, /title/],
      [['--start', at(0), '--end', at(HOUR), '--title', 'a\u0007b', '--text', 'y'], 1, /control/],
      [['--start', at(0), '--end', at(HOUR), '--title', 'x', '--text', 'y', '--title-en', 'z'], 1, /English/],
    ];
    for (const [args, code, message] of cases) {
      const result = await announce(...args);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stderr).toMatch(message);
    }
    expect(await portalAnnouncements()).toEqual([]);
    expect(JSON.parse((await t.cli('announce', 'list', '--all', '--json')).stdout)).toEqual([]);

    for (let i = 0; i < 5; i++) {
      expect(
        (await announce('--start', at(0), '--end', at(HOUR), '--title', `n${i}`, '--text', 'y')).code,
      ).toBe(0);
    }
    const sixth = await announce('--start', at(0), '--end', at(HOUR), '--title', 'n5', '--text', 'y');
    expect(sixth.code).toBe(1);
    expect(sixth.stderr).toMatch(/announcement\.too_many|at most 5/);
  });

  it('lists one user’s security events with facteur audit', async () => {
    const web = t.client();
    expect((await web.signIn('sdupont', PASSWORD)).status).toBe(200);
    const created = await web.request('POST', '/api/app-passwords', {
      name: 'Téléphone',
      currentPassword: PASSWORD,
    });
    expect(created.status).toBe(201);
    const human = await t.cli('audit', 'list', '--user', 'sylvie.dupont@ac-test.fr');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/app_password\.created\s+sdupont/);
    expect(human.stdout).not.toContain(created.json.password);
    const json = JSON.parse(
      (await t.cli('audit', 'list', '--user', 'sdupont', '--limit', '1', '--json')).stdout,
    );
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({
      action: 'app_password.created',
      target: 'sdupont',
      details: { name: 'Téléphone' },
    });
    expect((await t.cli('audit', 'list', '--user', 'personne')).code).toBe(1);
    expect((await t.cli('audit', 'list', '--limit', '0')).code).toBe(2);
  });
});
