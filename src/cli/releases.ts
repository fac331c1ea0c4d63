// `pressdesk releases list [--json]`: releases with their state and how their emails went.
import type { Command } from 'commander';
import { say, withStorage } from './context.ts';

const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

export function register(program: Command) {
  const releases = program.command('releases').description('press releases: approved drafts and their distribution');

  releases
    .command('list')
    .description('releases, newest first, with sent / pending / failed counts')
    .option('--json', 'one JSON object per line')
    .option('--limit <n>', 'how many', '100')
    .action(async (o: { json?: boolean; limit: string }) => {
      const [{ countDeliveries }, { listReleases }] = await Promise.all([import('../storage/deliveries.ts'), import('../storage/releases.ts')]);
      const rows = await withStorage(async (s) => {
        const list = await listReleases(s.db, { limit: Math.max(1, Number(o.limit) || 100) });
        return Promise.all(list.map(async (r) => ({ release: r, deliveries: await countDeliveries(s.db, r.id) })));
      });
      for (const { release: r, deliveries: d } of rows) {
        if (o.json) {
          const { html: _h, text: _t, ...rest } = r;
          process.stdout.write(`${JSON.stringify({ ...rest, deliveries: d })}\n`);
        } else {
          const counts = `sent ${d.sent}, pending ${d.pending + d.sending}, failed ${d.failed}${d.skipped ? `, skipped ${d.skipped}` : ''}`;
          const time = r.status === 'sent' ? `sent ${when(r.sentAt)}` : r.status === 'scheduled' ? `at ${when(r.sendAt)}` : r.status;
          process.stdout.write(`${r.id}\t${r.status}\t${time}\t${counts}\t${r.slug}\t${r.subject}\n`);
        }
      }
      if (!o.json && !rows.length) say('releases: none yet — a release is made when a press officer approves a draft');
    });
}
