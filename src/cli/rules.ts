// `pressdesk rules check FILE`: prints FILE:line:col: message for each problem of a rules file and exits 1,
// or prints a one-line summary and exits 0. Storage-backed subcommands (import, test, versions) join the
// same `rules` group through rulesCommand(). The checking itself is src/cli/check-rules.ts, loaded when it runs.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fail } from './context.ts';

/** The `rules` command group, created once; other modules add their subcommands to it. */
export function rulesCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'rules') ?? program.command('rules').description('check, import and test keyword rules');
}

export function register(program: Command): void {
  rulesCommand(program)
    .command('check')
    .argument('<file>', 'rules file (YAML)')
    .description('check a rules file: FILE:line:col: message per problem, exit 1 if any')
    .action(async (file: string) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        fail(`rules: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`);
      }
      const { checkRules } = await import('./check-rules.ts');
      const { lines, ok } = checkRules(text, file);
      for (const l of lines) process.stdout.write(`${l}\n`);
      if (!ok) process.exitCode = 1;
    });
}
