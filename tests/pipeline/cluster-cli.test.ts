// `pressdesk cluster`: the line format, the errors, and one run of the real command over stdin.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW } from '../../src/cli/cluster.ts';
import { clusterLines } from '../../src/cli/cluster-lines.ts';
import { parseDuration } from '../../src/pipeline/duration.ts';
import { WINDOW_HOURS } from '../../src/pipeline/cluster.ts';
import { runCli } from '../helpers/cli.ts';

const fixture = fileURLToPath(new URL('../fixtures/cluster/holdout.jsonl', import.meta.url));
const lines = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as { id: string; story: string });

describe('clusterLines', () => {
  it('writes one {"id","story"} line per item, in input order, stories named by their first item', () => {
    const input = readFileSync(fixture, 'utf8');
    const out = lines(clusterLines(input));
    const ids = input.trim().split('\n').map((l) => JSON.parse(l).id);
    expect(out.map((o) => o.id)).toEqual(ids);
    for (const o of out) expect(Object.keys(o)).toEqual(['id', 'story']);
    const byId = new Map(out.map((o) => [o.id, o.story]));
    expect(byId.get('ho-sentencing-bill-3')).toBe('ho-sentencing-bill-1');
    expect(byId.get('ho-escape-hmp-thorn-cross-1')).not.toBe(byId.get('ho-escape-hmp-sudbury-1'));
  });

  it('names the bad line and says what to fix', () => {
    expect(() => clusterLines('{"id":"a","published":"2025-01-01T00:00:00Z","title":"x"}\n\nnot json')).toThrow(/^cluster: line 3 is not JSON; give one object/);
    expect(() => clusterLines('{"title":"x"}')).toThrow(/^cluster: line 1 has no "id"/);
    expect(() => clusterLines('{"id":"a","title":"x"}')).toThrow(/^cluster: line 1 \(id "a"\) has no valid "published"; give an ISO-8601 date/);
    const ok = '{"id":"a","published":"2025-01-01T00:00:00Z","title":"x"}';
    expect(() => clusterLines(`${ok}\n${ok}`)).toThrow(/^cluster: line 2 repeats id "a"/);
  });
});

describe('pressdesk cluster', () => {
  it('offers the workers\' window as the --window default', () => {
    expect(parseDuration(DEFAULT_WINDOW)).toBe(WINDOW_HOURS * 3_600_000);
  });

  it('reads stdin, honours --window, and fails with one line on bad input', () => {
    const copy = (id: string, day: number) =>
      JSON.stringify({ id, published: `2025-04-0${day}T12:00:00Z`, source: 'PA Media', title: 'Man jailed for attacking usher at Bristol Crown Court', summary: 'Kieran Lomax, 26, punched a court usher in the public gallery.' });
    const input = `${copy('a', 1)}\n${copy('b', 6)}\n`;
    const narrow = runCli(['cluster'], {}, input);
    expect(narrow.stderr).toBe('');
    expect(narrow.code).toBe(0);
    expect(lines(narrow.stdout)).toEqual([{ id: 'a', story: 'a' }, { id: 'b', story: 'b' }]);
    const wide = runCli(['cluster', '--window', '7d'], {}, input);
    expect(lines(wide.stdout)).toEqual([{ id: 'a', story: 'a' }, { id: 'b', story: 'a' }]);
    const bad = runCli(['cluster', '--input', '/nonexistent/items.jsonl'], {});
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('cluster: cannot read /nonexistent/items.jsonl (ENOENT); check the path');
    const hours = runCli(['cluster', '--window', '48'], {}, input);
    expect(hours.code).toBe(1);
    expect(hours.stderr.trim()).toBe('cluster: --window "48" is not a duration: give a number and a unit, like 10m, 72h, 30d or 2w');
  });
});
