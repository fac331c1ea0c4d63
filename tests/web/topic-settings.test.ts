// Editors' lines to take and draft policy per topic, and the press officers' duty rota: roles, CSRF,
// versions, and forms that say what is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDraftPolicy } from '../../src/storage/draft-policies.ts';
import { listRota } from '../../src/storage/duty-rota.ts';
import { listLinesVersions } from '../../src/storage/lines-to-take.ts';
import type { User } from '../../src/storage/users.ts';
import { policyFromForm, quotesFromForm } from '../../src/web/routes/topic-settings.ts';
import { FORM, HTML, type TestApp, csrfFrom, form, startTestApp } from './app.ts';

describe('policyFromForm and quotesFromForm', () => {
  it('reads a policy and names every problem', () => {
    const ok = policyFromForm('probation', { enabled: 'on', minSources: '2', sourceKinds: ['official', 'bogus'], quietStart: '22:00', quietEnd: '07:00', maxPerHour: '3', deadlineMinutes: '45', expireHours: '12', template: '' }, []);
    expect(ok).toEqual({ policy: { topic: 'probation', enabled: true, minSources: 2, sourceKinds: ['official'], quietStart: 1320, quietEnd: 420, maxPerHour: 3, deadlineMinutes: 45, expireHours: 12, template: null } });
    const bad = policyFromForm('probation', { minSources: '0', quietStart: '25:00', maxPerHour: 'x', deadlineMinutes: '30', expireHours: '12', template: 'nope' }, ['a']);
    expect('problems' in bad && bad.problems.join(' ')).toMatch(/Quiet hours start.*Minimum sources.*Drafts per hour/s);
    expect('problems' in bad && bad.problems.join(' ')).toContain('no template "nope"');
  });
  it('reads quotes one a line', () => {
    expect(quotesFromForm('Sam Example | General Secretary | Staff deserve better.\n\nAlex | | Enough.')).toEqual({
      quotes: [{ speaker: 'Sam Example', role: 'General Secretary', text: 'Staff deserve better.' }, { speaker: 'Alex', text: 'Enough.' }],
    });
    expect(quotesFromForm('just text')).toMatchObject({ problem: expect.stringContaining('line 1') });
  });
});

describe('topic settings and rota pages', () => {
  let t: TestApp;
  let editor: { user: User; cookie: string };
  let po: { user: User; cookie: string };
  beforeAll(async () => {
    t = await startTestApp();
    editor = await t.login(['editor']);
    po = await t.login(['press_officer'], 'duty@example.org');
  });
  afterAll(() => t?.close());
  const get = (url: string, cookie: string) => t.app.inject({ url, headers: { ...HTML, cookie } });
  const post = async (url: string, body: Record<string, string | string[]>, cookie: string, token?: string) =>
    t.app.inject({ method: 'POST', url, headers: { ...HTML, ...FORM, cookie }, body: form({ _csrf: token ?? csrfFrom(await get('/stories', cookie)), ...body }) });

  it('saves lines to take as versions, editors only, with CSRF', async () => {
    expect((await get('/topics/probation/lines', po.cookie)).statusCode).toBe(403);
    expect((await post('/topics/probation/lines', { position: 'x' }, editor.cookie, 'wrong')).statusCode).toBe(403);
    for (const position of ['Caseloads must come down.', 'Caseloads must come down <now>.']) {
      expect((await post('/topics/probation/lines', { position, quotes: 'Sam | GS | Staff deserve better.' }, editor.cookie)).statusCode).toBe(303);
    }
    expect((await listLinesVersions(t.db, 'probation')).map((l) => l.version)).toEqual([2, 1]);
    const page = await get('/topics/probation/lines', editor.cookie);
    expect(page.body).toContain('Caseloads must come down &lt;now&gt;.');
    expect(page.body).toContain('Sam | GS | Staff deserve better.');
    const bad = await post('/topics/probation/lines', { position: 'Keep this', quotes: 'no pipes' }, editor.cookie);
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Keep this');
  });

  it('saves a draft policy or says what is wrong', async () => {
    const body = { enabled: 'on', minSources: '2', sourceKinds: ['inspectorate'], quietStart: '', quietEnd: '', maxPerHour: '5', deadlineMinutes: '20', expireHours: '6', template: 'inspectorate-report' };
    expect((await post('/topics/prisons/policy', body, editor.cookie)).statusCode).toBe(303);
    expect(await getDraftPolicy(t.db, 'prisons')).toMatchObject({ minSources: 2, sourceKinds: ['inspectorate'], deadlineMinutes: 20, template: 'inspectorate-report' });
    const bad = await post('/topics/prisons/policy', { ...body, quietStart: '22:00' }, editor.cookie);
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('give both a start and an end');
  });

  it('keeps a weekly duty rota (press officers)', async () => {
    expect((await get('/drafts/rota', editor.cookie)).statusCode).toBe(403);
    expect((await post('/drafts/rota', { user: String(po.user.id), weekday: '1', start: '09:00', end: '17:30' }, po.cookie)).statusCode).toBe(303);
    expect(await listRota(t.db)).toMatchObject([{ userId: po.user.id, weekday: 1, startMinute: 540, endMinute: 1050 }]);
    const page = await get('/drafts/rota', po.cookie);
    expect(page.body).toMatch(/Monday<\/th><td><ul class="slots"><li>09:00–17:30 · duty@example.org/);
    await post('/drafts/rota', { user: String(editor.user.id), weekday: '1', start: '09:00', end: '10:00' }, po.cookie); // not a press officer
    expect(await listRota(t.db)).toHaveLength(1);
    const [slot] = await listRota(t.db);
    await post(`/drafts/rota/${slot!.id}/remove`, {}, po.cookie);
    expect(await listRota(t.db)).toHaveLength(0);
  });
});
