// `pressdesk drafts list|show|create` in a real child process on an installation seeded here first (a
// PostgreSQL schema; the embedded database when there is no test PostgreSQL). No workers serve the queue, so
// create requests approval in its own process and the email lands in DATA_DIR/outbox as an .eml file.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { migrate } from '../../src/storage/migrate.ts';
import { openStorage } from '../../src/storage/open.ts';
import { createUser } from '../../src/storage/users.ts';
import { cliInstallation, runCli } from '../helpers/cli.ts';
import { seedStory } from '../helpers/drafts.ts';

describe('pressdesk drafts', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let storyId: number;

  beforeAll(async () => {
    ({ env, dataDir } = await cliInstallation({ PUBLIC_URL: 'https://press.example.org' }));
    const s = await openStorage(loadConfig(env));
    try {
      await migrate(s.db);
      await createUser(s.db, { email: 'duty@union.example', roles: ['press_officer'] });
      storyId = await seedStory(s.db, {
        title: 'OMiC model to go live in open prisons <script>x</script>',
        summary: 'Probation officers will take over offender management in open prisons from April, HMPPS said.',
      });
    } finally {
      await s.close();
    }
  }, 120_000);

  it('creates a draft for a story and emails the press officer, then lists and shows it', async () => {
    const created = runCli(['drafts', 'create', '--story', String(storyId)], env);
    expect(created.stderr).toContain('drafts: approval requested from 1 press officer(s)');
    expect(created.stderr).toMatch(/drafts: its page: https:\/\/press\.example\.org\/drafts\/\d+\n/);
    expect(created.code).toBe(0);
    const [, draftId, subject] = /^draft (\d+): (.+)\n$/.exec(created.stdout) ?? [];
    expect(draftId).toBeTruthy();
    expect(subject).toContain('OMiC');

    const outbox = readdirSync(join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));
    expect(outbox).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(dataDir, 'outbox', outbox[0]!)));
    expect(mail.headers.get('to')).toMatchObject({ text: 'duty@union.example' });
    expect(mail.headers.get('x-pressdesk-draft')).toBe(`${draftId}.1`);
    expect(mail.text).toContain('https://press.example.org/drafts/link/');
    // The title's markup is text: escaped in the HTML part (the subject and the text part carry it as typed).
    expect(mail.html).toContain('open prisons &lt;script&gt;x&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>');

    const list = runCli(['drafts', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^draft ${draftId}  awaiting_approval +probation +age \\d+ min, due in (29|30) min  .*OMiC.*\\n$`));

    const json = runCli(['drafts', 'list', '--json'], env);
    expect(json.code).toBe(0);
    const rows = json.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: Number(draftId), storyId, status: 'awaiting_approval', topic: 'probation', subject, version: 1 });

    const show = runCli(['drafts', 'show', draftId!], env);
    expect(show.code).toBe(0);
    const lines = show.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^draft ${draftId} \\(story ${storyId}, probation, template [\\w-]+\\): awaiting_approval, version 1$`));
    expect(lines[1]).toMatch(/^created .+; decision due .+ \(UK time\)$/);
    expect(lines[2]).toBe(`page: https://press.example.org/drafts/${draftId}`);
    expect(show.stdout).toContain(`Subject: ${subject}\n`);
    // The history: made, then sent for approval.
    expect(show.stdout).toMatch(/ {2}create: template [\w-]+\n[^\n]+ {2}request_approval drafted -> awaiting_approval\n$/);
  }, 120_000);

  it('refuses bad input in one line with exit code 1', () => {
    for (const [args, message] of [
      [['drafts', 'create', '--story', 'abc'], /^drafts: story "abc" is not an id; give a whole number such as 12$/],
      [['drafts', 'show', '1e3'], /^drafts: draft "1e3" is not an id; give a whole number such as 12$/],
      [['drafts', 'create', '--story', '999999'], /^drafts: story 999999 does not exist; pass a story id from `pressdesk stories search`$/],
      [['drafts', 'list', '--status', 'approved,pending'], /^drafts: unknown status pending; choose from drafted, awaiting_approval, /],
    ] as const) {
      const r = runCli([...args], env);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
      expect(r.stdout).toBe('');
    }
  }, 120_000);
});
