import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimNotification, consumeLinkNonce, linkUsedAt, listNotified, markNotificationSent, releaseNotification } from '../../src/storage/draft-notifications.ts';
import { DEFAULT_POLICY, getDraftPolicies, saveDraftPolicy } from '../../src/storage/draft-policies.ts';
import { loadDraftSource } from '../../src/storage/draft-sources.ts';
import {
  approverMustNotBeLastEditor, getDraft, insertDraft, storiesStillDraftable, listDraftEvents, listDrafts, listDueForChase, setApproverMustNotBeLastEditor, transitionDraft,
} from '../../src/storage/drafts.ts';
import { addRotaSlot, listPressOfficers, pressOfficersOnDuty } from '../../src/storage/duty-rota.ts';
import { getLinesToTake, listLinesVersions, saveLinesToTake } from '../../src/storage/lines-to-take.ts';
import { createUser } from '../../src/storage/users.ts';
import { type TestDb, backends } from '../helpers/db.ts';
import { seedStory } from '../helpers/drafts.ts';

const T0 = new Date('2026-07-01T09:00:00Z');
const MIN = 60_000;
const newDraft = (storyId: number, over: Partial<Parameters<typeof insertDraft>[1]> = {}) => ({
  storyId, template: 'government-announcement', topic: 'probation', linesVersion: null, subject: 'S', html: '<p>H</p>', text: 'H', actorId: null, now: T0, ...over,
});

for (const b of backends()) {
  describe.skipIf(!b.available)(`drafts storage (${b.name})`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await b.open();
    });
    afterAll(async () => t?.close());

    it('keeps one draft per story, even when two workers insert at once', async () => {
      const story = await seedStory(t.db, { title: 'OMiC goes live' });
      const both = await Promise.all([insertDraft(t.db, newDraft(story)), insertDraft(t.db, newDraft(story))]);
      expect(both.map((r) => r.kind).sort()).toEqual(['created', 'exists']);
      const created = both.find((r) => r.kind === 'created')!;
      if (created.kind !== 'created') throw new Error('unreachable');
      expect(created.draft).toMatchObject({ storyId: story, status: 'drafted', version: 1, generatedHtml: '<p>H</p>', bodyHtml: '<p>H</p>' });
      expect((await listDraftEvents(t.db, created.draft.id)).map((e) => e.action)).toEqual(['create']);
      await expect(t.db.query('INSERT INTO drafts (story_id, template, topic, subject, body_html, body_text, generated_html, generated_text, created_at, updated_at) VALUES ($1, \'x\', \'x\', \'\', \'\', \'\', \'\', \'\', now(), now())', [story])).rejects.toThrow();
    });

    it('tells in one statement which stories could still be drafted: new, topical, undrafted, followed through merges', async () => {
      const day = 86_400_000;
      const since = new Date('2030-05-01T00:00:00Z');
      const fresh = await seedStory(t.db, { title: 'Approved premises beds cut', at: new Date(since.getTime() + day) });
      const old = await seedStory(t.db, { title: 'Tagging contract ends', at: new Date(since.getTime() - day) });
      const drafted = await seedStory(t.db, { title: 'Probation pay offer made', at: new Date(since.getTime() + 5 * day) });
      await insertDraft(t.db, newDraft(drafted));
      const merged = await seedStory(t.db, { title: 'Hostel review ordered', at: new Date(since.getTime() + 9 * day) });
      const into = await seedStory(t.db, { title: 'Hostel review widened', at: new Date(since.getTime() + 13 * day) });
      await t.db.query('UPDATE stories SET merged_into = $2 WHERE id = $1', [merged, into]);
      const untagged = await seedStory(t.db, { title: 'Court opening hours', at: new Date(since.getTime() + 17 * day) });
      await t.db.query("UPDATE stories SET topics = '{}' WHERE id = $1", [untagged]);
      const open = await storiesStillDraftable(t.db, [fresh, old, drafted, merged, untagged, 987_654_321], since);
      expect([...open].sort((a, b) => a - b)).toEqual([fresh, merged].sort((a, b) => a - b));
      await insertDraft(t.db, newDraft(into));
      expect(await storiesStillDraftable(t.db, [merged], since)).toEqual(new Set());
    });

    it('limits drafts per topic per hour', async () => {
      const titles = ['Wandsworth escape inquiry opens', 'New governor named at HMP Leeds', 'Jail canteen prices rise again'];
      const stories: number[] = [];
      for (const title of titles) stories.push(await seedStory(t.db, { title, topic: 'prisons' }));
      expect(new Set(stories).size).toBe(3);
      const r1 = await insertDraft(t.db, newDraft(stories[0]!, { topic: 'prisons' }), 2);
      const r2 = await insertDraft(t.db, newDraft(stories[1]!, { topic: 'prisons', now: new Date(T0.getTime() + 10 * MIN) }), 2);
      const r3 = await insertDraft(t.db, newDraft(stories[2]!, { topic: 'prisons', now: new Date(T0.getTime() + 20 * MIN) }), 2);
      expect([r1.kind, r2.kind, r3.kind]).toEqual(['created', 'created', 'rate_limited']);
      expect((await insertDraft(t.db, newDraft(stories[2]!, { topic: 'prisons', now: new Date(T0.getTime() + 61 * MIN) }), 2)).kind).toBe('created');
    });

    it('transitions under the status lock: allowed states, expected version, guard, audit row', async () => {
      const story = await seedStory(t.db, { title: 'Transition story' });
      const r = await insertDraft(t.db, newDraft(story));
      const id = r.kind === 'created' ? r.draft.id : 0;
      const go = (over: Partial<Parameters<typeof transitionDraft>[1]> = {}) =>
        transitionDraft(t.db, { draftId: id, action: 'request_approval', actorId: null, from: ['drafted'], to: 'awaiting_approval', now: T0, ...over });
      expect(await go({ expectedVersion: 2 })).toMatchObject({ ok: false, reason: 'version' });
      expect(await go({ guard: () => 'no' })).toMatchObject({ ok: false, reason: 'refused', message: 'no' });
      const ok = await go({ set: { deadlineAt: new Date(T0.getTime() + 30 * MIN), nextChaseAt: new Date(T0.getTime() + 30 * MIN), expiresAt: new Date(T0.getTime() + 12 * 60 * MIN) } });
      expect(ok).toMatchObject({ ok: true, draft: { status: 'awaiting_approval', version: 1 } });
      expect(await go()).toMatchObject({ ok: false, reason: 'state' });
      expect(await transitionDraft(t.db, { draftId: 999999, action: 'x', actorId: null, from: ['drafted'], now: T0 })).toEqual({ ok: false, reason: 'missing' });

      // Two approvals at once: exactly one wins.
      const user = (await createUser(t.db, { email: 'po-lock@example.org', roles: ['press_officer'] }))!;
      const approve = () => transitionDraft(t.db, { draftId: id, action: 'approve', actorId: user.id, from: ['awaiting_approval'], to: 'approved', expectedVersion: 1, now: T0 });
      const both = await Promise.all([approve(), approve()]);
      expect(both.filter((x) => x.ok)).toHaveLength(1);
      const events = await listDraftEvents(t.db, id);
      expect(events.map((e) => [e.action, e.from, e.to, e.userEmail])).toEqual([
        ['create', null, 'drafted', null],
        ['request_approval', 'drafted', 'awaiting_approval', null],
        ['approve', 'awaiting_approval', 'approved', 'po-lock@example.org'],
      ]);
    });

    it('bumps the version on edit and lists awaiting drafts with age and deadline, and those due a chase', async () => {
      const story = await seedStory(t.db, { title: 'Listed story <b>x</b>' });
      const r = await insertDraft(t.db, newDraft(story));
      const id = r.kind === 'created' ? r.draft.id : 0;
      await transitionDraft(t.db, { draftId: id, action: 'request_approval', actorId: null, from: ['drafted'], to: 'awaiting_approval', now: T0, set: { deadlineAt: new Date(T0.getTime() + 30 * MIN), nextChaseAt: new Date(T0.getTime() + 30 * MIN), expiresAt: new Date(T0.getTime() + 720 * MIN) } });
      const e = await transitionDraft(t.db, { draftId: id, action: 'edit', actorId: null, from: ['awaiting_approval'], expectedVersion: 1, now: T0, set: { subject: 'New', bumpVersion: true } });
      expect(e).toMatchObject({ ok: true, draft: { version: 2, subject: 'New', status: 'awaiting_approval', generatedHtml: '<p>H</p>' } });
      const list = await listDrafts(t.db, { now: new Date(T0.getTime() + 40 * MIN) });
      const entry = list.find((x) => x.draft.id === id)!;
      expect(entry).toMatchObject({ headline: 'Listed story <b>x</b>', ageMinutes: 40, minutesToDeadline: -10 });
      expect((await listDueForChase(t.db, new Date(T0.getTime() + 29 * MIN))).map((d) => d.id)).not.toContain(id);
      expect((await listDueForChase(t.db, new Date(T0.getTime() + 30 * MIN))).map((d) => d.id)).toContain(id);
    });

    it('claims each email once per version, person and kind; a lapsed claim can be retaken', async () => {
      const story = await seedStory(t.db, { title: 'Notified story' });
      const r = await insertDraft(t.db, newDraft(story));
      const draftId = r.kind === 'created' ? r.draft.id : 0;
      const u = (await createUser(t.db, { email: 'po-claim@example.org', roles: ['press_officer'] }))!;
      const key = { draftId, version: 1, userId: u.id, kind: 'approval' as const };
      expect(await claimNotification(t.db, key, T0)).toBe(true);
      expect(await claimNotification(t.db, key, T0)).toBe(false);
      expect(await claimNotification(t.db, key, new Date(T0.getTime() + 3 * MIN))).toBe(true); // the sender died
      await releaseNotification(t.db, key);
      expect(await claimNotification(t.db, key, T0)).toBe(true);
      await markNotificationSent(t.db, key, '<m@x>', T0);
      expect(await claimNotification(t.db, key, new Date(T0.getTime() + 60 * MIN))).toBe(false);
      expect(await claimNotification(t.db, { ...key, version: 2 }, T0)).toBe(true);
      expect(await listNotified(t.db, draftId)).toEqual([{ userId: u.id, kind: 'approval', version: 1, sentAt: T0 }]);
    });

    it('uses a link nonce once', async () => {
      const story = await seedStory(t.db, { title: 'Nonce story' });
      const r = await insertDraft(t.db, newDraft(story));
      const draftId = r.kind === 'created' ? r.draft.id : 0;
      const use = () => consumeLinkNonce(t.db, { nonce: 'abc', draftId, userId: 1, action: 'approve', now: T0 });
      expect(await linkUsedAt(t.db, 'abc')).toBeUndefined();
      expect(await Promise.all([use(), use()])).toEqual(expect.arrayContaining([true, false]));
      expect(await linkUsedAt(t.db, 'abc')).toEqual(T0);
    });

    it('versions lines to take per topic', async () => {
      const a = await saveLinesToTake(t.db, { topic: 'courts', position: 'One', quotes: [{ speaker: 'A', text: 'q' }], createdBy: null, now: T0 });
      const b = await saveLinesToTake(t.db, { topic: 'courts', position: 'Two', quotes: [], createdBy: null, now: T0 });
      expect([a.version, b.version]).toEqual([1, 2]);
      expect((await getLinesToTake(t.db, 'courts'))?.position).toBe('Two');
      expect((await getLinesToTake(t.db, 'courts', 1))?.quotes).toEqual([{ speaker: 'A', text: 'q' }]);
      expect(await listLinesVersions(t.db, 'courts')).toHaveLength(2);
      expect(await getLinesToTake(t.db, 'parole')).toBeUndefined();
    });

    it('gives topics without a stored policy the defaults', async () => {
      await saveDraftPolicy(t.db, { topic: 'parole', ...DEFAULT_POLICY, enabled: false, sourceKinds: ['inspectorate'], quietStart: 1320, quietEnd: 420 }, null);
      const ps = await getDraftPolicies(t.db, ['parole', 'youth-justice']);
      expect(ps.get('parole')).toMatchObject({ enabled: false, sourceKinds: ['inspectorate'], quietStart: 1320, quietEnd: 420, deadlineMinutes: 30 });
      expect(ps.get('youth-justice')).toEqual({ topic: 'youth-justice', ...DEFAULT_POLICY });
    });

    it('finds the press officers on duty by UK weekday and minute, in rota order', async () => {
      const a = (await createUser(t.db, { email: 'duty-a@example.org', roles: ['press_officer'] }))!;
      const b = (await createUser(t.db, { email: 'duty-b@example.org', roles: ['press_officer', 'editor'] }))!;
      const c = (await createUser(t.db, { email: 'not-po@example.org', roles: ['editor'] }))!;
      await addRotaSlot(t.db, { userId: b.id, weekday: 3, startMinute: 540, endMinute: 1020 });
      await addRotaSlot(t.db, { userId: a.id, weekday: 3, startMinute: 480, endMinute: 600 });
      await addRotaSlot(t.db, { userId: c.id, weekday: 3, startMinute: 0, endMinute: 1440 });
      expect((await pressOfficersOnDuty(t.db, { weekday: 3, minute: 550 })).map((p) => p.email)).toEqual(['duty-b@example.org', 'duty-a@example.org']);
      expect((await pressOfficersOnDuty(t.db, { weekday: 3, minute: 600 })).map((p) => p.email)).toEqual(['duty-b@example.org']);
      expect(await pressOfficersOnDuty(t.db, { weekday: 4, minute: 600 })).toEqual([]);
      expect((await listPressOfficers(t.db)).map((p) => p.email)).toContain('duty-a@example.org');
      expect((await listPressOfficers(t.db)).map((p) => p.email)).not.toContain('not-po@example.org');
    });

    it('stores the four-eyes setting, off by default', async () => {
      expect(await approverMustNotBeLastEditor(t.db)).toBe(false);
      await setApproverMustNotBeLastEditor(t.db, true);
      expect(await approverMustNotBeLastEditor(t.db)).toBe(true);
      await setApproverMustNotBeLastEditor(t.db, false);
    });

    it('loads what a draft is written from, with source categories and matched terms', async () => {
      const story = await seedStory(t.db, { title: 'Inspection of X', sourceUrl: 'https://www.justiceinspectorates.gov.uk/hmiprobation/feed/', sourceName: 'HM Inspectorate of Probation', category: 'inspectorate', term: 'inspection' });
      const s = (await loadDraftSource(t.db, story))!;
      expect(s).toMatchObject({ id: story, headline: 'Inspection of X', topics: ['probation'] });
      expect(s.items[0]).toMatchObject({ source: 'HM Inspectorate of Probation', sourceCategory: 'inspectorate', matches: [{ topic: 'probation', matches: [{ text: 'inspection' }] }] });
      expect(await loadDraftSource(t.db, 987654)).toBeUndefined();
      expect((await getDraft(t.db, 987654))).toBeUndefined();
    });
  });
}
