// Release templates in the web UI: editors only, preview against a stored story (escaped), a template that
// does not compile refused with its line and column, saved versions used by new drafts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftStory } from '../../src/services/draft-story.ts';
import { loadReleaseTemplates } from '../../src/render/releases.ts';
import { listTemplateVersions } from '../../src/storage/release-templates.ts';
import type { User } from '../../src/storage/users.ts';
import { seedStory } from '../helpers/drafts.ts';
import { FORM, HTML, type TestApp, csrfFrom, form, startTestApp } from './app.ts';

describe('release templates pages', () => {
  let t: TestApp;
  let editor: { user: User; cookie: string };
  let po: { user: User; cookie: string };
  const shipped = loadReleaseTemplates().get('campaign-statement')!.source;
  beforeAll(async () => {
    t = await startTestApp();
    editor = await t.login(['editor']);
    po = await t.login(['press_officer']);
  });
  afterAll(() => t?.close());
  const get = (url: string, cookie: string) => t.app.inject({ url, headers: { ...HTML, cookie } });
  const post = async (url: string, body: Record<string, string>) =>
    t.app.inject({ method: 'POST', url, headers: { ...HTML, ...FORM, cookie: editor.cookie }, body: form({ _csrf: csrfFrom(await get('/stories', editor.cookie)), ...body }) });

  it('lists templates for editors only', async () => {
    expect((await get('/templates', po.cookie)).statusCode).toBe(403);
    const list = await get('/templates', editor.cookie);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('href="/templates/campaign-statement"');
    expect((await get('/templates/nope', editor.cookie)).statusCode).toBe(404);
  });

  it('previews against a stored story with feed text escaped', async () => {
    const story = await seedStory(t.db, { title: 'Hostel closures <script>alert(1)</script>' });
    const page = await get('/templates/campaign-statement', editor.cookie);
    expect(page.body).toContain(`<option value="${story}"`);
    const res = await post('/templates/campaign-statement', { action: 'preview', story: String(story), source: shipped });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Preview: ');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>alert(1)');
  });

  it('refuses a template that does not compile, with its line and column', async () => {
    const broken = `${shipped.trimEnd()}\n<p>{{shout story.headline}}</p>\n`;
    const line = broken.trimEnd().split('\n').length;
    const res = await post('/templates/campaign-statement', { action: 'save', source: broken });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(new RegExp(`Line ${line}, column \\d+: unknown helper`));
    expect(res.body).toContain('{{shout story.headline}}'); // the text is kept in the editor
    expect(await listTemplateVersions(t.db, 'campaign-statement')).toHaveLength(0);
    const renamed = await post('/templates/campaign-statement', { action: 'save', source: shipped.replace('name: campaign-statement', 'name: other') });
    expect(renamed.body).toContain('name must stay');
  });

  it('saves versions that new drafts use', async () => {
    const edited = shipped.replace('</h1>', '</h1>\n<p>Edited in the web UI.</p>');
    expect((await post('/templates/campaign-statement', { action: 'save', source: edited })).statusCode).toBe(303);
    expect((await listTemplateVersions(t.db, 'campaign-statement')).map((v) => v.version)).toEqual([1]);
    const story = await seedStory(t.db, { title: 'Members campaign on pay' });
    const r = await draftStory({ db: t.db, now: () => t.clock.now }, story, { force: true, templateName: 'campaign-statement' });
    expect(r.ok && r.draft.bodyHtml).toContain('Edited in the web UI.');
    expect((await get('/templates', editor.cookie)).body).toContain('v1 ·');
  });
});
