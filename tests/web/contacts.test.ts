// The contacts pages: roles and CSRF, search by words and topic, add and edit (a taken address refused), opt
// out and back in, CSV import by upload with each bad row reported by line, and the CSV export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findContactByEmail, upsertContacts } from '../../src/storage/contacts.ts';
import type { User } from '../../src/storage/users.ts';
import { FORM, HTML, type TestApp, cookiesFrom, csrfFrom, form, startTestApp } from './app.ts';

describe('contacts pages', () => {
  let t: TestApp;
  let po: { user: User; cookie: string };
  let editor: { user: User; cookie: string };
  const get = (url: string, cookie?: string) => t.app.inject({ url, headers: { ...HTML, ...(cookie ? { cookie } : {}) } });
  const post = async (url: string, body: Record<string, string | string[]>, who = po) => {
    const token = csrfFrom(await get('/', who.cookie));
    return t.app.inject({ method: 'POST', url, headers: { ...HTML, ...FORM, cookie: who.cookie }, body: form({ _csrf: token, ...body }) });
  };
  const upload = async (csv: string, token?: string) => {
    const b = '----pdtest';
    const parts = [
      ...(token === undefined ? [] : [`--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n`]),
      `--${b}\r\nContent-Disposition: form-data; name="file"; filename="contacts.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n`,
      `--${b}--\r\n`,
    ];
    return t.app.inject({ method: 'POST', url: '/contacts/import', headers: { ...HTML, cookie: po.cookie, 'content-type': `multipart/form-data; boundary=${b}` }, body: parts.join('') });
  };

  beforeAll(async () => {
    t = await startTestApp();
    po = await t.login(['press_officer'], 'po@example.org');
    editor = await t.login(['editor'], 'ed@example.org');
    await upsertContacts(t.db, [
      { name: 'Alice Reporter', email: 'alice@daily.example', outlet: 'The Daily', topics: ['probation'] },
      { name: 'Bob Courts', email: 'bob@weekly.example', outlet: 'Law Weekly', topics: ['courts'] },
    ], t.clock.now);
  });
  afterAll(() => t?.close());

  it('is for press officers and admins; editors and anonymous visitors are refused', async () => {
    expect((await get('/contacts', po.cookie)).statusCode).toBe(200);
    expect((await get('/contacts', (await t.login(['admin'])).cookie)).statusCode).toBe(200);
    expect((await get('/contacts', editor.cookie)).statusCode).toBe(403);
    expect((await get('/contacts.csv', editor.cookie)).statusCode).toBe(403);
    expect((await get('/contacts')).headers.location).toBe('/login?next=%2Fcontacts');
    expect((await post('/contacts', { name: 'X', email: 'x@example.org' }, editor)).statusCode).toBe(403);
    const noToken = await t.app.inject({ method: 'POST', url: '/contacts', headers: { ...HTML, ...FORM, cookie: po.cookie }, body: form({ name: 'X', email: 'x@example.org' }) });
    expect(noToken.statusCode).toBe(403);
    expect(await findContactByEmail(t.db, 'x@example.org')).toBeUndefined();
    expect((await upload('name,email\nY,y@example.org\n')).statusCode).toBe(403); // an upload without the token
  });

  it('searches by words and by topic', async () => {
    const all = await get('/contacts', po.cookie);
    expect(all.body).toContain('Alice Reporter');
    expect(all.body).toContain('Bob Courts');
    const byText = await get('/contacts?q=weekly', po.cookie);
    expect(byText.body).toContain('Bob Courts');
    expect(byText.body).not.toContain('Alice Reporter');
    const byTopic = await get('/contacts?topic=probation', po.cookie);
    expect(byTopic.body).toContain('Alice Reporter');
    expect(byTopic.body).not.toContain('Bob Courts');
    expect((await get('/contacts?q=nobody', po.cookie)).body).toContain('No contacts match.');
  });

  it('adds, edits with topic checkboxes, refuses a taken address, opts out and back in', async () => {
    const page = await get('/contacts/new', po.cookie);
    expect(page.body).toMatch(/name="topics" value="prisons"/);
    const add = await post('/contacts', { name: 'Carol <b>New</b>', email: 'Carol@Paper.example', outlet: 'The Paper', topics: ['prisons', 'probation'], notes: 'Prefers calls' });
    expect(add.statusCode).toBe(303);
    const carol = (await findContactByEmail(t.db, 'carol@paper.example'))!;
    expect(carol).toMatchObject({ name: 'Carol <b>New</b>', email: 'carol@paper.example', topics: ['prisons', 'probation'], notes: 'Prefers calls', doNotContact: false });
    expect(add.headers.location).toBe(`/contacts/${carol.id}`);
    const shown = await get(`/contacts/${carol.id}`, cookiesFrom(add, po.cookie));
    expect(shown.body).toContain('Carol &lt;b&gt;New&lt;/b&gt; added.');
    expect(shown.body).toMatch(/value="prisons" checked/);
    expect(shown.body).not.toMatch(/value="courts" checked/);

    const again = await post('/contacts', { name: 'Someone', email: 'ALICE@daily.example' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('already on the list as Alice Reporter');
    const bad = await post('/contacts', { name: 'No address', email: 'not-an-address' });
    expect(bad.statusCode).toBe(422);

    const edit = await post(`/contacts/${carol.id}`, { name: 'Carol New', email: 'carol@paper.example', outlet: '', topics: 'courts', notes: '' });
    expect(edit.statusCode).toBe(303);
    expect(await findContactByEmail(t.db, 'carol@paper.example')).toMatchObject({ name: 'Carol New', outlet: null, topics: ['courts'], notes: null });
    const taken = await post(`/contacts/${carol.id}`, { name: 'Carol New', email: 'bob@weekly.example' });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('belongs to another contact');

    expect((await post(`/contacts/${carol.id}/do-not-contact`, { do_not_contact: 'yes' })).statusCode).toBe(303);
    expect((await findContactByEmail(t.db, 'carol@paper.example'))!.doNotContact).toBe(true);
    expect((await get(`/contacts/${carol.id}`, po.cookie)).body).toContain('Opted out: no release is sent to carol@paper.example');
    expect((await get('/contacts?q=carol', po.cookie)).body).toContain('do not contact');
    await post(`/contacts/${carol.id}/do-not-contact`, { do_not_contact: 'no' });
    expect((await findContactByEmail(t.db, 'carol@paper.example'))!.doNotContact).toBe(false);
    expect((await get('/contacts/999999', po.cookie)).statusCode).toBe(404);
  });

  it('imports an uploaded CSV file, reporting each bad row by its line, and exports', async () => {
    const token = csrfFrom(await get('/contacts', po.cookie));
    const csv = ['name,email,outlet,topics,do_not_contact', 'Dan Desk,dan@desk.example,Desk News,prisons;courts,no', 'Broken,not-an-email,,,', '"Erin, Editor",erin@desk.example,,probation,yes', 'Alice R,ALICE@daily.example,,courts,'].join('\r\n');
    const res = await upload(`\uFEFF${csv}`, token);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('2 added, 1 updated; 1 row was not imported');
    expect(res.body).toMatch(/<td>3<\/td><td>&quot;not-an-email&quot; is not an email address<\/td>/);
    expect(await findContactByEmail(t.db, 'erin@desk.example')).toMatchObject({ name: 'Erin, Editor', doNotContact: true, topics: ['probation'] });
    expect((await findContactByEmail(t.db, 'alice@daily.example'))!.topics).toEqual(['courts', 'probation']);

    const out = await t.app.inject({ url: '/contacts.csv', headers: { cookie: po.cookie } });
    expect(out.statusCode).toBe(200);
    expect(out.headers['content-type']).toContain('text/csv');
    expect(out.headers['content-disposition']).toContain('attachment; filename="contacts-2026-03-02.csv"');
    expect(out.body.split('\r\n')[0]).toBe('name,email,outlet,topics,do_not_contact,notes');
    expect(out.body).toContain('"Erin, Editor",erin@desk.example,,probation,yes,');
  });
});
