// `pressdesk stories search` in a real child process on an installation seeded here first (a PostgreSQL
// schema; the embedded database when there is no test PostgreSQL).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { migrate } from '../../src/storage/migrate.ts';
import { openStorage } from '../../src/storage/open.ts';
import { assignStory } from '../helpers/stories.ts';
import { cliInstallation, runCli } from '../helpers/cli.ts';

describe('pressdesk stories search', () => {
  let env: Record<string, string>;
  beforeAll(async () => {
    ({ env } = await cliInstallation());
    const s = await openStorage(loadConfig(env));
    try {
      await migrate(s.db);
      const add = async (name: string, host: string, title: string, body: string, at: string) => {
        const [src] = await s.db.query<{ id: number }>(
          'INSERT INTO sources (url, host, name) VALUES ($1, $2, $3) ON CONFLICT (url) DO UPDATE SET name = excluded.name RETURNING id',
          [`https://${host}/feed`, host, name],
        );
        const [row] = await s.db.query<{ id: number }>(
          'INSERT INTO items (source_id, identity, url, title, body_text, published_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
          [src!.id, title, `https://${host}/${encodeURIComponent(title)}`, title, body, at],
        );
        await s.db.query("INSERT INTO item_topics (item_id, topic) VALUES ($1, 'prisons')", [row!.id]);
        await assignStory(s.db, row!.id, new Date(at));
      };
      const body = 'A prisoner escaped from a hospital escort in Tooting on Tuesday; police said Liam Costa, 31, is dangerous.';
      await add('BBC News', 'www.bbc.co.uk', 'Prisoner escapes hospital escort in Tooting', body, new Date(Date.now() - 86_400_000).toISOString());
      await add('Evening Standard', 'www.standard.co.uk', '=Manhunt after Tooting escort escape', body, new Date(Date.now() - 80_000_000).toISOString());
      await add('Inside Time', 'insidetime.org', 'Cookham Wood to close', 'The youth jail Cookham Wood will close after inspections.', '2024-01-10T09:00:00Z');
    } finally {
      await s.close();
    }
  });

  it('finds one story for two copies, with notes for what the archive cannot honour, and exports CSV', () => {
    const text = runCli(['stories', 'search', 'tooting NEAR/3 escape*'], env);
    expect(text.stderr).toContain('note: NEAR/3 is searched as AND');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^story \d+ {2}Prisoner escapes hospital escort in Tooting\n {2}2 item\(s\) from 2 source\(s\)/);
    expect(text.stdout).toContain('1–1 of 1 stories');
    const csv = runCli(['stories', 'search', 'escape*', '--since', '7d', '--csv'], env);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain(",'=Manhunt after Tooting escort escape,Evening Standard,");
  }, 120_000);

  it('filters by source and date, and explains a bad query', () => {
    expect(runCli(['stories', 'search', '--source', 'inside time'], env).stdout).toMatch(/Cookham Wood to close[\s\S]*1–1 of 1 stories/);
    expect(runCli(['stories', 'search', 'cookham', '--since', '30d'], env).stdout).toBe('no stories match\n');
    const bad = runCli(['stories', 'search', 'escape AND (tooting'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^searchquery: .*\n {2}escape AND \(tooting\n {2}\s*\^/);
    const lately = runCli(['stories', 'search', 'cookham', '--since', 'lately'], env);
    expect(lately.code).toBe(1);
    expect(lately.stderr).toBe('stories: --since "lately" is not a duration or a date: give a number and a unit, like 10m, 72h, 30d or 2w, or a date like 2025-03-01\n');
  }, 120_000);
});
