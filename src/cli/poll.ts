// `pressdesk poll --once [--all]`: poll the due (or all) sources through the SAME queues and workers as
// `start`, wait until every poll and the process-item jobs it spawned have settled, print one line per
// source, exit 0 even when sources failed (their failures are recorded on them). The work is in
// src/cli/poll-once.ts, loaded when the command runs: registering stays cheap (src/cli/context.ts).
import type { Command } from 'commander';
import { config, fail, say } from './context.ts';

export function register(program: Command) {
  program
    .command('poll')
    .description('poll sources now through the queues and workers, wait for the results, print one line per source')
    .requiredOption('--once', 'poll once and exit (required: continuous polling is `pressdesk start`)')
    .option('--all', 'every enabled source, not only the due ones')
    .action(async (o: { once: boolean; all?: boolean }) => {
      if (!o.once) fail('poll: give --once; continuous polling is what `pressdesk start` does');
      const [{ openRuntime }, { pollOnce, summaryLines }] = await Promise.all([import('../runtime.ts'), import('./poll-once.ts')]);
      const rt = await openRuntime(await config(), { allowRemote: true, mayStartRedis: true });
      try {
        for (const w of rt.warnings) say(w);
        const since = rt.now();
        const { ids, ranWorkers } = await pollOnce(rt, { all: o.all, progress: say });
        if (!ids.length) {
          say('poll: no source is due; use --all to poll every enabled source now');
          return;
        }
        for (const l of await summaryLines(rt, ids, since)) process.stdout.write(`${l}\n`);
        say(`poll: ${ids.length} source${ids.length === 1 ? '' : 's'} polled${ranWorkers ? ' by workers in this process' : ' by the running workers'}`);
      } finally {
        await rt.close();
      }
    });
}
