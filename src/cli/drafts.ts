// `pressdesk drafts list|show|create`: the press office's drafts from the terminal. create drafts a release
// for a story now (no policy: a person asked) and sends it for approval: through the running workers, or in
// this process when none serves the queue. Storage, services and queues load inside the actions.
import type { Command } from 'commander';
import { DRAFT_STATUSES, type Draft, type DraftStatus } from '../domain/drafts.ts';
import { config, fail, publicUrl, say, withStorage } from './context.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const STATUSES: readonly DraftStatus[] = DRAFT_STATUSES;
const minutes = (m: number) => (Math.abs(m) < 90 ? `${m} min` : `${Math.round(m / 60)} h`);

function id(v: string, what: string): number {
  // Digits only: Number() would also take "1e3", "0x10" and " 12 ".
  const n = /^\d+$/.test(v) ? Number(v) : 0;
  if (!Number.isSafeInteger(n) || n < 1) fail(`drafts: ${what} "${v}" is not an id; give a whole number such as 12`);
  return n;
}

const line = (d: Draft, headline: string | null, age: number, due: number | null) =>
  `draft ${d.id}  ${d.status.padEnd(17)} ${d.topic.padEnd(13)} age ${minutes(age)}${due === null ? '' : due < 0 ? `, overdue ${minutes(-due)}` : `, due in ${minutes(due)}`}  ${d.subject || headline || ''}`;

export function register(program: Command): void {
  const drafts = program.command('drafts').description('press releases drafted from stories, and their approval');
  drafts
    .command('list')
    .description('drafts awaiting a decision (oldest deadline first), or in the given states')
    .option('--status <list>', `comma-separated: ${STATUSES.join(', ')} (default awaiting_approval)`)
    .option('--json', 'one JSON object per line')
    .action(async (o: { status?: string; json?: boolean }) => {
      const statuses = (o.status ?? 'awaiting_approval').split(',').map((s) => s.trim()) as DraftStatus[];
      const bad = statuses.filter((s) => !STATUSES.includes(s));
      if (bad.length) fail(`drafts: unknown status ${bad.join(', ')}; choose from ${STATUSES.join(', ')}`);
      const { listDrafts } = await import('../storage/drafts.ts');
      const rows = await withStorage((s) => listDrafts(s.db, { now: new Date(), statuses }));
      for (const r of rows) {
        if (o.json) out(JSON.stringify({ id: r.draft.id, storyId: r.draft.storyId, status: r.draft.status, topic: r.draft.topic, subject: r.draft.subject, version: r.draft.version, createdAt: r.draft.createdAt, deadlineAt: r.draft.deadlineAt, ageMinutes: r.ageMinutes }));
        else out(line(r.draft, r.headline, r.ageMinutes, r.minutesToDeadline));
      }
      if (!o.json && !rows.length) say(`drafts: none ${statuses.join(' or ')}`);
    });
  drafts
    .command('show <id>')
    .description('one draft: its text and its history')
    .action(async (v: string) => {
      const draftId = id(v, 'draft');
      const [{ getDraft, listDraftEvents }, { draftPageUrl }] = await Promise.all([import('../storage/drafts.ts'), import('../services/deps.ts')]);
      const uk = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' });
      const { draft, events, url } = await withStorage(async (s) => ({ draft: await getDraft(s.db, draftId), events: await listDraftEvents(s.db, draftId), url: await publicUrl(s.db) }));
      if (!draft) fail(`drafts: draft ${draftId} does not exist; \`pressdesk drafts list --status ${STATUSES.join(',')}\` lists them`);
      out(`draft ${draft.id} (story ${draft.storyId}, ${draft.topic}, template ${draft.template}): ${draft.status}, version ${draft.version}`);
      out(`created ${uk.format(draft.createdAt)}${draft.deadlineAt ? `; decision due ${uk.format(draft.deadlineAt)}` : ''} (UK time)`);
      out(`page: ${draftPageUrl(url, draft.id)}`);
      out('');
      out(`Subject: ${draft.subject}`);
      out('');
      out(draft.bodyText);
      out('');
      for (const e of events) out(`${uk.format(e.at)}  ${e.action}${e.from ? ` ${e.from} -> ${e.to}` : ''}${e.userEmail ? ` by ${e.userEmail}` : ''}${e.comment ? `: ${e.comment}` : ''}`);
    });
  drafts
    .command('create')
    .description('draft a release for a story now and send it to the press officers for approval')
    .requiredOption('--story <id>', 'the story (its id from `pressdesk stories search`)')
    .option('--template <name>', 'a release template (templates/releases/NAME.hbs); default: chosen by topic and sources')
    .action(async (o: { story: string; template?: string }) => {
      const storyId = id(o.story, 'story');
      const [{ openRuntime }, { draftRelease }, { requestApproval }, { draftPageUrl }] = await Promise.all([
        import('../runtime.ts'),
        import('../services/draft-release.ts'),
        import('../services/request-approval.ts'),
        import('../services/deps.ts'),
      ]);
      const opened = await openRuntime(await config(), { allowRemote: true, mayStartRedis: true });
      try {
        // The approval email's links point where the server is, even from a shell without its PUBLIC_URL.
        const rt = { ...opened, config: { ...opened.config, publicUrl: await publicUrl(opened.db) } };
        const served = (await rt.queues.get('request-approval').getWorkersCount()) > 0;
        const r = await draftRelease(served ? rt : { ...rt, queues: { add: async () => undefined as never } }, storyId, { force: true, templateName: o.template });
        // A draft that exists but never reached the press officers (its approval request failed) is sent on.
        const draft = r.ok ? r.draft : r.reason === 'exists' && r.draft?.status === 'drafted' ? r.draft : undefined;
        if (!draft) fail(r.ok ? '' : r.message);
        out(`draft ${draft.id}: ${draft.subject}${r.ok ? '' : ' (made earlier, not yet sent for approval)'}`);
        say(`drafts: its page: ${draftPageUrl(rt.config.publicUrl, draft.id)}`);
        if (served) {
          say('drafts: sent for approval by the running workers; follow it with `pressdesk drafts list`');
          return;
        }
        const a = await requestApproval(rt, draft.id);
        if (!a.ok) fail(a.message);
        say(`drafts: approval requested from ${a.sent.length} press officer(s)${a.failed.length ? `; FAILED for ${a.failed.map((f) => `${f.email} (${f.error})`).join(', ')}` : ''}`);
      } finally {
        await opened.close();
      }
    });
}
