// Editors hear once about a source that has failed for a day: one email per failing spell to every editor;
// without editors (or users) yet, a log line instead.
import { renderTemplate } from '../render/index.ts';
import { claimFailingNotices, editorEmails } from '../storage/polls.ts';
import type { IngestDeps } from './deps.ts';

const FAILING_FOR_MS = 24 * 3600_000;

export async function notifyFailing(rt: Pick<IngestDeps, 'db' | 'config' | 'mailer' | 'now'>): Promise<number> {
  const now = rt.now();
  const sources = await claimFailingNotices(rt.db, new Date(now.getTime() - FAILING_FOR_MS), now);
  if (!sources.length) return 0;
  const to = await editorEmails(rt.db);
  const sourcesUrl = `${rt.config.publicUrl}/sources`;
  for (const source of sources) {
    const ctx = { source, sourcesUrl };
    if (!to.length) {
      process.stderr.write(`schedule-polls: source ${source.id} "${source.name}" failing since ${source.failingSince?.toISOString()}: ${source.lastError} (no editor to email yet)\n`);
      continue;
    }
    await rt.mailer.send({
      to,
      subject: renderTemplate('emails/source-failing.subject', ctx).trim(),
      text: renderTemplate('emails/source-failing.text', ctx),
      html: renderTemplate('emails/source-failing.html', ctx),
    });
  }
  return sources.length;
}
