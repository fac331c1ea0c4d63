// Emails a draft version to press officers, each with their own signed links. Per-recipient rows
// (draft_notifications) make it safe to run again: whoever was already emailed for this version and kind is
// skipped, so retries and concurrent runs never email a person twice.
import type { Draft, DraftPolicy } from '../domain/drafts.ts';
import { LINK_TTL_MS, signLink } from '../pipeline/links.ts';
import { renderEmail } from '../render/index.ts';
import { loadDraftSource } from '../storage/draft-sources.ts';
import { type NotificationKind, claimNotification, markNotificationSent, releaseNotification } from '../storage/draft-notifications.ts';
import type { PressOfficer } from '../storage/duty-rota.ts';
import { type DraftDeps, draftLinkUrl, draftPageUrl } from './deps.ts';

export interface SendReport {
  sent: string[];
  skipped: string[];
  failed: { email: string; error: string }[];
}

export async function sendDraftEmails(
  deps: DraftDeps,
  draft: Draft,
  recipients: readonly PressOfficer[],
  kind: NotificationKind,
  policy: Pick<DraftPolicy, 'deadlineMinutes'>,
): Promise<SendReport> {
  const now = deps.now();
  const story = await loadDraftSource(deps.db, draft.storyId);
  const report: SendReport = { sent: [], skipped: [], failed: [] };
  for (const r of recipients) {
    const key = { draftId: draft.id, version: draft.version, userId: r.id, kind };
    if (!(await claimNotification(deps.db, key, now))) {
      report.skipped.push(r.email);
      continue;
    }
    const link = (action: 'approve' | 'request_changes' | 'reject') =>
      draftLinkUrl(deps.config.publicUrl, signLink(deps.secret, { action, draftId: draft.id, version: draft.version, userId: r.id, now }));
    const ctx = {
      kind,
      recipient: r,
      topic: draft.topic,
      draft: { id: draft.id, version: draft.version, subject: draft.subject, html: draft.bodyHtml, text: draft.bodyText },
      deadlineAt: draft.deadlineAt,
      expiresAt: draft.expiresAt,
      requestedAt: draft.deadlineAt && new Date(draft.deadlineAt.getTime() - policy.deadlineMinutes * 60_000),
      linksExpireAt: new Date(now.getTime() + LINK_TTL_MS),
      links: { approve: link('approve'), requestChanges: link('request_changes'), reject: link('reject'), edit: draftPageUrl(deps.config.publicUrl, draft.id) },
      story: story && {
        headline: story.headline ?? story.items[0]?.title ?? `story ${story.id}`,
        url: story.items.find((i) => i.title === story.headline)?.url ?? story.items[0]?.url ?? null,
        firstSeen: story.firstSeen,
        items: story.items.map((i) => ({ source: i.source, title: i.title, url: i.url })),
      },
    };
    try {
      const mail = renderEmail('approval', ctx);
      const sent = await deps.mailer.send({ to: r.email, ...mail, headers: { 'X-Pressdesk-Draft': `${draft.id}.${draft.version}` } });
      await markNotificationSent(deps.db, key, sent.messageId, deps.now());
      report.sent.push(r.email);
    } catch (err) {
      await releaseNotification(deps.db, key);
      report.failed.push({ email: r.email, error: (err as Error).message });
    }
  }
  return report;
}
