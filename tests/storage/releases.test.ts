import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSuppression, contactsFor, findContactByEmail, listAllContacts, searchContacts, setDoNotContact, suppressedAmong, updateContact, upsertContacts } from '../../src/storage/contacts.ts';
import { claimDelivery, countDeliveries, insertDeliveries, listDeliveries, nthRecentClaim, settleDelivery, unsettledDeliveryIds } from '../../src/storage/deliveries.ts';
import {
  beginSending, cancelRelease, completeRelease, getPublicRelease, insertRelease, listDueReleases, listPublicReleases, listReleases, rescheduleRelease,
} from '../../src/storage/releases.ts';
import { type TestDb, backends } from '../helpers/db.ts';
import { seedApprovedDraft } from '../helpers/releases.ts';

const T0 = new Date('2026-07-01T09:00:00Z');
const MIN = 60_000;
const at = (m: number) => new Date(T0.getTime() + m * MIN);

for (const b of backends()) {
  describe.skipIf(!b.available)(`releases storage (${b.name})`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await b.open();
    });
    afterAll(async () => t?.close());

    it('keeps one contact per address in any case and merges on import', async () => {
      expect(await upsertContacts(t.db, [
        { name: 'Ann Reed', email: 'Ann@Example.org', outlet: 'BBC', topics: ['probation'] },
        { name: 'Bob', email: 'bob@example.org', topics: ['courts'], doNotContact: true },
      ], T0)).toEqual({ created: 2, updated: 0 });
      expect(await upsertContacts(t.db, [{ name: 'Ann R.', email: 'ANN@example.org', topics: ['prisons', 'probation'] }, { name: 'Bob', email: 'bob@example.org', doNotContact: false }], at(1))).toEqual({ created: 0, updated: 2 });
      const ann = (await findContactByEmail(t.db, 'ann@EXAMPLE.org'))!;
      expect(ann).toMatchObject({ name: 'Ann R.', outlet: 'BBC', topics: ['prisons', 'probation'], doNotContact: false });
      expect((await findContactByEmail(t.db, 'bob@example.org'))!.doNotContact).toBe(true); // an import cannot opt back in
      await expect(t.db.query(`INSERT INTO contacts (name, email) VALUES ('x', 'BOB@example.org')`)).rejects.toThrow();

      expect((await searchContacts(t.db, { text: 'bbc' })).map((c) => c.email)).toEqual(['ann@example.org']);
      expect((await searchContacts(t.db, { text: '100%' }))).toEqual([]);
      expect((await searchContacts(t.db, { topic: 'courts' })).map((c) => c.name)).toEqual(['Bob']);
      expect((await contactsFor(t.db, ['prisons'])).map((c) => c.name)).toEqual(['Ann R.']);
      const bob = (await findContactByEmail(t.db, 'bob@example.org'))!;
      expect((await contactsFor(t.db, ['nothing'], [bob.id])).map((c) => c.name)).toEqual(['Bob']);
      expect(await updateContact(t.db, bob.id, { name: 'Bob', email: 'ann@example.org' }, at(2))).toBe('taken');
      expect(await updateContact(t.db, bob.id, { name: 'Bob Smith', email: 'Robert@Example.org', topics: ['courts'], notes: 'desk' }, at(2))).toMatchObject({ email: 'robert@example.org', doNotContact: false, notes: 'desk' });
      expect((await setDoNotContact(t.db, bob.id, true, at(3)))!.doNotContact).toBe(true);
      expect((await listAllContacts(t.db)).map((c) => c.email)).toEqual(['ann@example.org', 'robert@example.org']);

      await addSuppression(t.db, 'Ann@Example.org', 'hard bounce', T0);
      expect([...(await suppressedAmong(t.db, ['ANN@example.org', 'x@example.org']))]).toEqual(['ann@example.org']);
    });

    it('makes one release per draft and moves it only through the status lock', async () => {
      const draftId = await seedApprovedDraft(t.db, { subject: 'Release one' });
      const nr = { draftId, slug: `release-one-${draftId}`, subject: 'Release one', html: '<p>x</p>', text: 'x', topics: ['probation'], sendAt: at(60), embargoUntil: at(60), recipients: { topics: ['probation'] }, approvedBy: null, now: T0 };
      const [a, c] = await Promise.all([insertRelease(t.db, nr), insertRelease(t.db, nr)]);
      expect([a.created, c.created].sort()).toEqual([false, true]);
      expect(a.release.id).toBe(c.release.id);
      const id = a.release.id;
      expect(a.release).toMatchObject({ status: 'scheduled', recipients: { topics: ['probation'] }, sendAt: at(60) });

      expect(await beginSending(t.db, id, at(59))).toBeUndefined(); // not yet due
      expect((await listDueReleases(t.db, at(59))).map((r) => r.id)).not.toContain(id);
      expect((await listDueReleases(t.db, at(60))).map((r) => r.id)).toContain(id);
      expect((await rescheduleRelease(t.db, id, at(30), null))!.sendAt).toEqual(at(30));
      const both = await Promise.all([beginSending(t.db, id, at(30)), beginSending(t.db, id, at(30))]);
      expect(both.filter(Boolean)).toHaveLength(1);
      expect(await cancelRelease(t.db, id, null, at(31))).toBeUndefined();
      expect(await rescheduleRelease(t.db, id, at(90), null)).toBeUndefined();
      expect(await getPublicRelease(t.db, `release-one-${draftId}`, at(40))).toBeUndefined();

      const other = await seedApprovedDraft(t.db, { subject: 'Release two' });
      const r2 = (await insertRelease(t.db, { ...nr, draftId: other, slug: `two-${other}` })).release;
      expect((await cancelRelease(t.db, r2.id, null, at(1)))!.status).toBe('cancelled');
      expect(await beginSending(t.db, r2.id, at(100))).toBeUndefined();
      expect((await listReleases(t.db, { statuses: ['cancelled'] })).map((r) => r.id)).toEqual([r2.id]);
    });

    it('writes one delivery per contact, claims each once, and completes the release when all settle', async () => {
      await upsertContacts(t.db, [1, 2, 3].map((i) => ({ name: `D${i}`, email: `d${i}@example.org`, topics: ['youth-justice'] })), T0);
      const contacts = await contactsFor(t.db, ['youth-justice']);
      const draftId = await seedApprovedDraft(t.db, { subject: 'Deliveries' });
      const rel = (await insertRelease(t.db, { draftId, slug: `d-${draftId}`, subject: 'D', html: '<p>D</p>', text: 'D', topics: ['youth-justice'], sendAt: null, embargoUntil: at(10), recipients: { topics: ['youth-justice'] }, approvedBy: null, now: T0 })).release;
      await beginSending(t.db, rel.id, T0);
      const rows = contacts.map((c) => ({ contactId: c.id, email: c.email }));
      expect(await insertDeliveries(t.db, rel.id, rows, T0)).toBe(3);
      expect(await insertDeliveries(t.db, rel.id, rows, T0)).toBe(0);
      const ids = await unsettledDeliveryIds(t.db, rel.id);
      expect(ids).toHaveLength(3);

      const [first, second] = await Promise.all([claimDelivery(t.db, ids[0]!, T0, at(5)), claimDelivery(t.db, ids[0]!, T0, at(5))]);
      expect([first, second].filter(Boolean)).toHaveLength(1);
      expect(await claimDelivery(t.db, ids[0]!, at(4), at(9))).toBeUndefined(); // lease still held
      expect((await claimDelivery(t.db, ids[0]!, at(5), at(10)))!.attempts).toBe(2); // the sender died: retaken
      expect(await settleDelivery(t.db, ids[0]!, { status: 'sent', messageId: '<a@x>', now: at(5) })).toBe(true);
      expect(await settleDelivery(t.db, ids[0]!, { status: 'failed', now: at(5) })).toBe(false); // not claimed
      await claimDelivery(t.db, ids[1]!, at(6), at(11));
      await settleDelivery(t.db, ids[1]!, { status: 'failed', error: '550 5.1.1 no such user', now: at(6) });
      expect(await completeRelease(t.db, rel.id, at(6))).toBeUndefined(); // one still pending
      // Claims now at 5 and 6 (the first, retaken at 5, no longer counts at T0); the window is (since, until].
      expect(await nthRecentClaim(t.db, at(4), at(6), 1)).toBe(at(6).getTime());
      expect(await nthRecentClaim(t.db, at(4), at(6), 2)).toBe(at(5).getTime());
      expect(await nthRecentClaim(t.db, at(4), at(6), 3)).toBeUndefined(); // only two in the window
      expect(await nthRecentClaim(t.db, at(5), at(6), 2)).toBeUndefined(); // 5 has left the window
      expect(await nthRecentClaim(t.db, at(4), at(5), 1)).toBe(at(5).getTime()); // 6 is not yet: not counted
      await claimDelivery(t.db, ids[2]!, at(7), at(12));
      await settleDelivery(t.db, ids[2]!, { status: 'pending', error: '421 try later', now: at(7) });
      expect(await countDeliveries(t.db, rel.id)).toEqual({ pending: 1, sending: 0, sent: 1, failed: 1, skipped: 0 });
      await claimDelivery(t.db, ids[2]!, at(8), at(13));
      await settleDelivery(t.db, ids[2]!, { status: 'sent', messageId: '<c@x>', now: at(8) });
      const list = await listDeliveries(t.db, rel.id);
      expect(list[0]).toMatchObject({ status: 'failed', lastError: '550 5.1.1 no such user', name: 'D2' });
      expect(list.find((d) => d.id === ids[2])).toMatchObject({ status: 'sent', attempts: 2, lastError: '421 try later', sentAt: at(8) });
      expect((await completeRelease(t.db, rel.id, at(8)))!.status).toBe('sent');
      expect(await completeRelease(t.db, rel.id, at(9))).toBeUndefined();

      // Public only once past its embargo.
      expect(await getPublicRelease(t.db, `d-${draftId}`, at(9))).toBeUndefined();
      expect((await getPublicRelease(t.db, `d-${draftId}`, at(10)))!.id).toBe(rel.id);
      expect((await listPublicReleases(t.db, at(10))).map((r) => r.id)).toContain(rel.id);
      expect((await listPublicReleases(t.db, at(9))).map((r) => r.id)).not.toContain(rel.id);
    });
  });
}
