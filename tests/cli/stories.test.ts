import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvCell, parseSince, storiesCsv } from '../../src/cli/stories.ts';
import { loadConfig } from '../../src/config.ts';
import { migrate } from '../../src/storage/migrate.ts';
import { openStorage } from '../../src/storage/open.ts';
import { assignStory } from '../helpers/stories.ts';
import { runCli } from '../helpers/cli.ts';

describe('csv', () => {
  it('defuses spreadsheet formulas and quotes what needs quoting', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(['+1', '-2', '@SUM(A1)', '\tx'].map(csvCell)).toEqual(["'+1", "'-2", "'@SUM(A1)", "'\tx"]);
    expect(csvCell('Probation, prisons')).toBe('"Probation, prisons"');
    expect(csvCell('plain')).toBe('plain');
  });

  it('writes one row per matched item under its story', () => {
    const t = new Date('2025-03-10T07:00:00Z');
    const csv = storiesCsv([
      { storyId: 4, headline: '=cmd', headlineUrl: null, topics: ['prisons'], firstSeen: t, lastSeen: t, sourceCount: 2, itemCount: 2, matched: 2,
        items: [{ id: 1, title: 'A', url: null, source: 'BBC', time: t }, { id: 2, title: 'B, too', url: 'https://x/2', source: 'PA', time: t }] },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'story,headline,topics,first_seen,last_seen,sources,items,item,title,source,time,url',
      "4,'=cmd,prisons,2025-03-10T07:00:00.000Z,2025-03-10T07:00:00.000Z,2,2,1,A,BBC,2025-03-10T07:00:00.000Z,",
      "4,'=cmd,prisons,2025-03-10T07:00:00.000Z,2025-03-10T07:00:00.000Z,2,2,2,\"B, too\",PA,2025-03-10T07:00:00.000Z,https://x/2",
      '',
    ]);
  });

  it('reads --since as a duration or a date', () => {
    const now = new Date('2025-04-01T00:00:00Z');
    expect(parseSince('30d', now).toISOString()).toBe('2025-03-02T00:00:00.000Z');
    expect(parseSince('12h', now).toISOString()).toBe('2025-03-31T12:00:00.000Z');
    expect(parseSince('2025-03-01', now).toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(() => parseSince('lately', now)).toThrow(/stories: --since "lately"/);
  });
});

// Each run starts PGlite cold (a few seconds).
describe('pressdesk stories search (embedded storage)', () => {
  const env = { PRESSDESK_DATA_DIR: mkdtempSync(join(tmpdir(), 'pd-stories-cli-')) };
  beforeAll(async () => {
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
  }, 120_000);
});
