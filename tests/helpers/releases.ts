// An approved draft to make a release from, and contacts to send it to.
import type { Db } from '../../src/storage/db.ts';
import { insertDraft } from '../../src/storage/drafts.ts';
import { seedStory } from './drafts.ts';

export async function seedApprovedDraft(db: Db, s: { subject: string; html?: string; text?: string; topic?: string; status?: string }): Promise<number> {
  const storyId = await seedStory(db, { title: s.subject, topic: s.topic });
  const r = await insertDraft(db, {
    storyId, template: 'government-announcement', topic: s.topic ?? 'probation', linesVersion: null, subject: s.subject,
    html: s.html ?? '<p>Body</p>', text: s.text ?? 'Body', actorId: null, now: new Date('2026-07-01T09:00:00Z'),
  });
  if (r.kind === 'rate_limited') throw new Error('unreachable');
  await db.query('UPDATE drafts SET status = $2 WHERE id = $1', [r.draft.id, s.status ?? 'approved']);
  return r.draft.id;
}
