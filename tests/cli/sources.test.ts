// `pressdesk sources ...` in real child processes, each test on an installation of its own (a PostgreSQL
// schema; the embedded database when there is no test PostgreSQL).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliInstallation, runCli } from '../helpers/cli.ts';

const env = async () => (await cliInstallation()).env;

describe('pressdesk sources', () => {
  it('adds, lists, imports the shipped pack, exports OPML that re-imports, and disables', async () => {
    const { env: e, dataDir } = await cliInstallation();
    const added = runCli(['sources', 'add', 'https://www.gov.uk/government/organisations/ministry-of-justice.atom', '--name', 'MoJ', '--every', '10m'], e);
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(/^added: 1 MoJ https:\/\/www\.gov\.uk\//);

    const pack = runCli(['sources', 'import', '--pack', 'uk-justice'], e);
    expect(pack.code).toBe(0);
    // The MoJ feed was already there.
    expect(pack.stdout.trim()).toBe('imported 21 new sources, 1 already there');

    const list = runCli(['sources', 'list', '--json'], e);
    const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(22);
    expect(rows.find((r) => r.name === 'MoJ')).toMatchObject({ minIntervalS: 600, enabled: true, kind: 'feed' });
    expect(rows.find((r) => r.name === 'Napo news')).toMatchObject({ kind: 'html' });
    expect(rows.every((r) => !('websubSecret' in r))).toBe(true);

    expect(runCli(['sources', 'disable', '1'], e).stdout.trim()).toBe('disabled: 1 MoJ');

    const opml = runCli(['sources', 'export'], e);
    expect(opml.stdout).toContain('<opml version="2.0">');
    const file = join(dataDir, 'export.opml');
    writeFileSync(file, opml.stdout);
    const fresh = await env();
    expect(runCli(['sources', 'import', file], fresh).stdout.trim()).toBe('imported 22 new sources, 0 already there');
    const again = runCli(['sources', 'list', '--json'], fresh).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(again.find((r) => r.name === 'MoJ')).toMatchObject({ enabled: false, minIntervalS: 600 });
    expect(again.find((r) => r.name === 'Napo news')?.selectors).toEqual(rows.find((r) => r.name === 'Napo news')?.selectors);
  }, 300_000);

  it('adds many URLs in one call, and none when one of them is bad', async () => {
    const e = await env();
    const bad = runCli(['sources', 'add', 'https://example.org/a.xml', 'not a url', 'https://example.org/b.xml'], e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"not a url" is not a URL/);
    const many = runCli(['sources', 'add', 'https://example.org/a.xml', 'https://example.org/b.xml', 'https://example.org/a.xml'], e);
    expect(many.code, many.stderr).toBe(0);
    expect(many.stdout.trim().split('\n').map((l) => l.replace(/: \d+ .* /, ': '))).toEqual([
      'added: https://example.org/a.xml',
      'added: https://example.org/b.xml',
      'already there: https://example.org/a.xml',
    ]);
    expect(runCli(['sources', 'add', 'https://example.org/c.xml', 'https://example.org/d.xml', '--name', 'X'], e).stderr).toContain('--name names one source');
  }, 120_000);

  it('removes a source only with --yes, keeps it off the list, and brings it back when its URL is added again', async () => {
    const e = await env();
    expect(runCli(['sources', 'add', 'https://example.org/keep.xml', '--name', 'Keep'], e).stdout).toMatch(/^added: 1 Keep /);
    const ask = runCli(['sources', 'remove', '1'], e);
    expect(ask.code).toBe(1);
    expect(ask.stderr.trim()).toBe('sources: removing 1 "Keep" stops polling it and takes it off the list; its 0 item(s) stay. Run again with --yes to remove it');
    expect(runCli(['sources', 'list'], e).stdout).toContain('Keep');
    const done = runCli(['sources', 'remove', '1', '--yes'], e);
    expect([done.code, done.stdout]).toEqual([0, 'removed: 1 Keep (its 0 item(s) kept)\n']);
    expect(runCli(['sources', 'list', '--json'], e).stdout).toBe('');
    expect(runCli(['sources', 'remove', '1', '--yes'], e).stderr.trim()).toBe('sources: "Keep" was already removed; see `pressdesk sources list`');
    expect(runCli(['sources', 'enable', '1'], e).stderr.trim()).toMatch(/^sources: there is no source 1/);
    expect(runCli(['sources', 'add', 'https://example.org/keep.xml'], e).stdout).toMatch(/^added again \(removed before; its items kept\): 1 Keep /);
  }, 120_000);

  // The refusals change nothing, so they share one installation.
  let refusing: Record<string, string>;
  beforeAll(async () => {
    refusing = await env();
  });
  it.each([
    [['sources', 'add', 'not a url'], /^sources: "not a url" is not a URL$/],
    [['sources', 'add', 'http://169.254.169.254/latest/meta-data/'], /^sources: pressdesk will not fetch http:\/\/169\.254\.169\.254\/latest\/meta-data\/ \(.*\); give a public http\(s\) URL$/],
    [['sources', 'add', 'https://example.org/feed', '--every', '5s'], /^sources: https:\/\/example\.org\/feed: poll intervals must be at least 30 s/],
    [['sources', 'add', 'https://example.org/feed', '--every', '10'], /^sources: --every "10" is not a duration: give a number and a unit, like 10m, 72h, 30d or 2w$/],
    [['sources', 'add', 'https://example.org/news', '--kind', 'html'], /an html source needs selectors/],
    [['sources', 'import', '--pack', 'nope'], /^sources: there is no source pack "nope"/],
    [['sources', 'enable', '99'], /^sources: there is no source 99/],
    [['sources', 'remove', '99', '--yes'], /^sources: there is no source 99/],
    [['sources', 'remove', 'x1'], /^sources: "x1" is not a source id/],
  ])('refuses %j with one clear line', (args, line) => {
    const r = runCli(args, refusing);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(line);
  });
});
