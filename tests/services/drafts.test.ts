// The draft services against a real database and the .eml outbox, on a fake clock.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, type MailMessage } from '../../src/adapters/mailer.ts';
import { chaseDrafts } from '../../src/services/chase-drafts.ts';
import { useLink } from '../../src/services/consume-link.ts';
import { decideDraft } from '../../src/services/decide-draft.ts';
import type { DraftDeps } from '../../src/services/deps.ts';
import { draftStory } from '../../src/services/draft-story.ts';
import { editDraft } from '../../src/services/edit-draft.ts';
import { requestApproval } from '../../src/services/request-approval.ts';
import { getDraft, listDraftEvents, setApproverMustNotBeLastEditor } from '../../src/storage/drafts.ts';
import { addRotaSlot } from '../../src/storage/duty-rota.ts';
import { saveLinesToTake } from '../../src/storage/lines-to-take.ts';
import { type User, createUser } from '../../src/storage/users.ts';
import { type TestDb, backends } from '../helpers/db.ts';
import { seedStory } from '../helpers/drafts.ts';

const T0 = new Date('2026-07-01T09:00:00Z'); // Wednesday 10:00 in London
const MIN = 60_000;
const PUBLIC = 'http://pressdesk.test';

for (const b of backends()) {
  describe.skipIf(!b.available)(`draft services (${b.name})`, () => {
    let t: TestDb;
    let deps: DraftDeps;
    let now = T0;
    const sent: (MailMessage & { file?: string })[] = [];
    let po1: User;
    let po2: User;
    let po3: User;
    let editor: User;
    const at = (minutes: number) => {
      now = new Date(T0.getTime() + minutes * MIN);
    };
    const tokensIn = (text: string) => Object.fromEntries([...text.matchAll(/^(Approve|Request changes|Reject):\s+\S+\/drafts\/link\/(\S+)$/gm)].map((m) => [m[1], m[2]!]));

    beforeAll(async () => {
      t = await b.open();
      const outbox = createMailer({ from: 'pressdesk <pd@example.org>', outboxDir: join(mkdtempSync(join(tmpdir(), 'pd-drafts-')), 'outbox') });
      deps = {
        db: t.db,
        config: { publicUrl: PUBLIC },
        secret: Buffer.from('services-test-secret-of-32-characters'),
        now: () => now,
        mailer: {
          async send(msg) {
            const r = await outbox.send(msg);
            sent.push({ ...msg, file: r.file });
            return r;
          },
        },
      };
      po1 = (await createUser(t.db, { email: 'po1@example.org', roles: ['press_officer'] }))!;
      po2 = (await createUser(t.db, { email: 'po2@example.org', roles: ['press_officer'] }))!;
      po3 = (await createUser(t.db, { email: 'po3@example.org', roles: ['press_officer', 'editor'] }))!;
      editor = (await createUser(t.db, { email: 'ed@example.org', roles: ['editor'] }))!;
      await addRotaSlot(t.db, { userId: po1.id, weekday: 3, startMinute: 8 * 60, endMinute: 18 * 60 });
      await saveLinesToTake(t.db, { topic: 'probation', position: 'Caseloads must come down.', quotes: [{ speaker: 'Sam Example', role: 'General Secretary', text: 'Staff deserve better.' }], createdBy: null, now: T0 });
    });
    afterAll(async () => t?.close());

    it('drafts a story once, by policy, and says why not', async () => {
      at(0);
      const story = await seedStory(t.db, { at: new Date(now.getTime() - 3_600_000), title: 'OMiC goes live <script>alert(1)</script>', summary: '<p>The probation service takes over cases. Other news.</p>' });
      const r = await draftStory(deps, story);
      expect(r).toMatchObject({ ok: true, requestApproval: true, draft: { status: 'drafted', topic: 'probation', template: 'government-announcement', linesVersion: 1 } });
      if (!r.ok) return;
      expect(r.draft.bodyHtml).toContain('&lt;script&gt;');
      expect(r.draft.bodyHtml).not.toContain('<script>');
      expect(r.draft.bodyHtml).toContain('Caseloads must come down.');
      expect(await draftStory(deps, story)).toMatchObject({ ok: false, reason: 'exists', draft: { id: r.draft.id } });

      const blog = await seedStory(t.db, { at: new Date(now.getTime() - 3_600_000), title: 'A blogger on hostel closures in Kent', sourceUrl: 'https://probationmatters.blogspot.com/feeds/posts/default', sourceName: 'On Probation blog' });
      expect(await draftStory(deps, blog)).toMatchObject({ ok: false, reason: 'policy', message: expect.stringMatching(/official or inspectorate/) });
      expect(await draftStory(deps, blog, { force: true, templateName: 'nope' })).toMatchObject({ ok: false, reason: 'template' });
      expect(await draftStory(deps, blog, { force: true, templateName: 'campaign-statement', actorId: po1.id })).toMatchObject({ ok: true, draft: { template: 'campaign-statement' } });
      expect(await draftStory(deps, 9_999_999)).toMatchObject({ ok: false, reason: 'missing' });

      // Old news is refused before its items are read; a person can still draft it.
      const old = await seedStory(t.db, { at: new Date(now.getTime() - 100 * 3_600_000), title: 'Hostel places cut in Cumbria', summary: '<p>The probation service reports.</p>' });
      expect(await draftStory(deps, old)).toMatchObject({ ok: false, reason: 'policy', message: expect.stringMatching(/more than 48 hours ago/) });
      expect(await draftStory(deps, old, { force: true })).toMatchObject({ ok: true });
    });

    async function newAwaitingDraft(title: string) {
      const story = await seedStory(t.db, { title, summary: '<p>Probation staff are affected.</p>' });
      const r = await draftStory(deps, story, { force: true });
      if (!r.ok) throw new Error(r.message);
      const before = sent.length;
      const req = await requestApproval(deps, r.draft.id);
      if (!req.ok) throw new Error(req.message);
      return { draft: req.draft, mails: sent.slice(before) };
    }

    it('emails the press officer on duty once per version, with the draft, the story and signed links', async () => {
      at(0);
      const { draft, mails } = await newAwaitingDraft('Probation reunification plan <b>announced</b>');
      expect(draft).toMatchObject({ status: 'awaiting_approval', deadlineAt: new Date(T0.getTime() + 30 * MIN), expiresAt: new Date(T0.getTime() + 12 * 60 * MIN) });
      expect(mails.map((m) => m.to)).toEqual(['po1@example.org']);
      const again = await requestApproval(deps, draft.id);
      expect(again).toMatchObject({ ok: true, sent: [], skipped: ['po1@example.org'] });

      const eml = await simpleParser(readFileSync(mails[0]!.file!));
      expect(eml.subject).toBe(`Approve draft #${draft.id}: ${draft.subject}`);
      expect(eml.html).toContain('Probation reunification plan &lt;b&gt;announced&lt;/b&gt;');
      expect(eml.html).not.toContain('<b>announced</b>');
      expect(eml.html).toContain(`${PUBLIC}/drafts/${draft.id}`);
      expect(eml.text).toContain('Caseloads must come down.');
      expect(eml.text).toContain('HM Prison and Probation Service (GOV.UK)');
      const tokens = tokensIn(eml.text!);
      expect(Object.keys(tokens).sort()).toEqual(['Approve', 'Reject', 'Request changes']);
      expect(eml.html).toContain(`${PUBLIC}/drafts/link/${tokens.Approve}`);
    });

    it('falls back to every press officer when nobody is on duty', async () => {
      at(-10 * 60); // 00:00 in London: nobody on the rota
      const { mails } = await newAwaitingDraft('Night-time announcement on approved premises');
      expect(mails.map((m) => m.to).sort()).toEqual(['po1@example.org', 'po2@example.org', 'po3@example.org']);
    });

    it('a link: GET only shows, POST approves once, a second POST changes nothing', async () => {
      at(0);
      const { draft, mails } = await newAwaitingDraft('Approval by link for the OMiC model');
      const token = tokensIn(mails[0]!.text).Approve!;
      const get = await useLink(deps, token, { confirm: false });
      expect(get).toMatchObject({ ok: true, confirmed: false, action: 'approve', draft: { id: draft.id } });
      expect((await getDraft(t.db, draft.id))?.status).toBe('awaiting_approval');
      at(5);
      const post = await useLink(deps, token, { confirm: true });
      expect(post).toMatchObject({ ok: true, confirmed: true, decision: { ok: true, approved: true, draft: { status: 'approved', decidedBy: po1.id } } });
      expect(await useLink(deps, token, { confirm: true })).toMatchObject({ ok: false, reason: 'used' });
      expect(await useLink(deps, token, { confirm: false })).toMatchObject({ ok: false, reason: 'used' });
      const events = await listDraftEvents(t.db, draft.id);
      expect(events.filter((e) => e.action === 'approve')).toHaveLength(1);
    });

    it('refuses tampered, expired, other-recipient and older-version links with the reason', async () => {
      at(0);
      const { draft, mails } = await newAwaitingDraft('Refusals for the probation workforce plan');
      const tokens = tokensIn(mails[0]!.text);
      const approve = tokens.Approve!;
      const flipped = approve.slice(0, -2) + (approve.endsWith('AA') ? 'BA' : 'AA');
      expect(await useLink(deps, flipped, { confirm: true })).toMatchObject({ ok: false, reason: 'tampered' });
      expect(await useLink(deps, approve, { confirm: true, viewerUserId: po2.id })).toMatchObject({ ok: false, reason: 'other_recipient' });
      at(24 * 60 + 1);
      expect(await useLink(deps, approve, { confirm: true })).toMatchObject({ ok: false, reason: 'expired' });
      at(1);
      // A reject needs a reason; the refused POST leaves the link usable.
      expect(await useLink(deps, tokens.Reject!, { confirm: true })).toMatchObject({ ok: true, decision: { ok: false, reason: 'comment_required' } });
      const edit = await editDraft(deps, { draftId: draft.id, userId: po2.id, subject: 'Edited subject', html: '<p>New text <script>x</script></p>', expectedVersion: 1 });
      expect(edit).toMatchObject({ ok: true, resendApproval: true, draft: { version: 2, bodyHtml: '<p>New text </p>', lastEditorUserId: po2.id } });
      expect(await useLink(deps, approve, { confirm: false })).toMatchObject({ ok: false, reason: 'changed', message: expect.stringMatching(/has changed/) });
      expect(await useLink(deps, tokens.Reject!, { confirm: true, comment: 'no' })).toMatchObject({ ok: false, reason: 'changed' });
      expect((await getDraft(t.db, draft.id))?.status).toBe('awaiting_approval');
      // The new version goes out again.
      const re = await requestApproval(deps, draft.id);
      expect(re).toMatchObject({ ok: true, sent: ['po1@example.org'] });
    });

    it('decides on the web: only press officers, the expected version, a comment for changes, four eyes', async () => {
      at(0);
      const { draft } = await newAwaitingDraft('Web decision on family court advisers');
      expect(await decideDraft(deps, { draftId: draft.id, action: 'approve', userId: editor.id, expectedVersion: 1 })).toMatchObject({ ok: false, reason: 'forbidden' });
      expect(await decideDraft(deps, { draftId: draft.id, action: 'approve', userId: po1.id, expectedVersion: 0 })).toMatchObject({ ok: false, reason: 'version' });
      expect(await decideDraft(deps, { draftId: draft.id, action: 'request_changes', userId: po1.id, expectedVersion: 1, comment: ' ' })).toMatchObject({ ok: false, reason: 'comment_required' });
      expect(await decideDraft(deps, { draftId: draft.id, action: 'request_changes', userId: po1.id, expectedVersion: 1, comment: 'Softer tone' })).toMatchObject({ ok: true, approved: false, draft: { status: 'changes_requested' } });
      expect(await editDraft(deps, { draftId: draft.id, userId: po3.id, subject: 'S2', html: '<p>Softer</p>', expectedVersion: 1 })).toMatchObject({ ok: true, resendApproval: false, draft: { version: 2, status: 'changes_requested' } });
      expect(await requestApproval(deps, draft.id, po3.id)).toMatchObject({ ok: true, draft: { status: 'awaiting_approval', version: 2 } });
      await setApproverMustNotBeLastEditor(t.db, true);
      try {
        expect(await decideDraft(deps, { draftId: draft.id, action: 'approve', userId: po3.id, expectedVersion: 2 })).toMatchObject({ ok: false, reason: 'last_editor' });
        expect(await decideDraft(deps, { draftId: draft.id, action: 'approve', userId: po1.id, expectedVersion: 2 })).toMatchObject({ ok: true, approved: true });
      } finally {
        await setApproverMustNotBeLastEditor(t.db, false);
      }
      expect(await decideDraft(deps, { draftId: draft.id, action: 'reject', userId: po2.id, expectedVersion: 2, comment: 'late' })).toMatchObject({ ok: false, reason: 'state' });
      const actions = (await listDraftEvents(t.db, draft.id)).map((e) => `${e.action}:${e.to}`);
      expect(actions).toEqual(['create:drafted', 'request_approval:awaiting_approval', 'request_changes:changes_requested', 'edit:changes_requested', 'request_approval:awaiting_approval', 'approve:approved']);
    });

    it('chases on a fake clock: reminder, next press officer, all, then expiry — each once', async () => {
      // Decide every earlier draft so only this one is chased.
      await t.db.query(`UPDATE drafts SET status = 'rejected' WHERE status = 'awaiting_approval'`);
      at(0);
      const { draft } = await newAwaitingDraft('Chased draft on unpaid work placements');
      const mailsTo = async (minutes: number) => {
        at(minutes);
        const before = sent.length;
        const report = await chaseDrafts(deps);
        return { report, to: sent.slice(before).map((m) => `${m.to} ${m.subject.split(':')[0]}`) };
      };
      expect((await mailsTo(29)).to).toEqual([]);
      expect(await mailsTo(30)).toMatchObject({ report: { reminded: [draft.id] }, to: ['po1@example.org Reminder'] });
      expect((await mailsTo(31)).to).toEqual([]);
      expect(await mailsTo(60)).toMatchObject({ report: { escalated: [draft.id] }, to: ['po2@example.org Needs a decision'] });
      expect((await mailsTo(61)).to).toEqual([]);
      expect((await mailsTo(90)).to.sort()).toEqual(['po1@example.org Needs a decision', 'po3@example.org Needs a decision']);
      expect((await mailsTo(200)).to).toEqual([]);
      expect(await mailsTo(12 * 60)).toMatchObject({ report: { expired: [draft.id] }, to: [] });
      expect((await getDraft(t.db, draft.id))?.status).toBe('expired');
      expect((await mailsTo(13 * 60)).report.expired).toEqual([]);
      const actions = (await listDraftEvents(t.db, draft.id)).map((e) => e.action);
      expect(actions).toEqual(['create', 'request_approval', 'remind', 'escalate_next', 'escalate_all', 'expire']);
    });
  });
}
