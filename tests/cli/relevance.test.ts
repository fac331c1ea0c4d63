// `pressdesk relevance` as a real child process (on a PostgreSQL schema; the embedded database when there is
// no test PostgreSQL): status and modes, versions, a retrain with nothing to learn, and an export that
// `pressdesk tag --model` reads.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedModel } from '../../src/services/shipped-model.ts';
import { cliInstallation, runCli } from '../helpers/cli.ts';

describe('pressdesk relevance', () => {
  it('reports the model in use and the modes, sets a mode, retrains only with verdicts, exports for tag --model', async () => {
    const { env, dataDir: dir } = await cliInstallation();
    const status = runCli(['relevance', 'status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^active: the shipped model \(no retrain activated\)\nprobation\tapply\nprisons\tapply\n/);
    expect(runCli(['relevance', 'mode', 'prisons', 'sometimes'], env).stderr).toContain('relevance: the mode is one of rules, suggest, apply');
    expect(runCli(['relevance', 'mode', 'nosuch', 'rules'], env).stderr).toMatch(/^relevance: no topic "nosuch" in the active rules \(probation, prisons/);
    expect(runCli(['relevance', 'mode', 'prisons', 'suggest'], env).stderr).toContain('relevance: prisons is now "suggest"');
    expect(runCli(['relevance', 'status'], env).stdout).toContain('prisons\tsuggest\n');
    expect(runCli(['relevance', 'versions'], env).stderr).toContain('no retrain yet');
    expect(runCli(['relevance', 'retrain'], env).stderr).toContain('relevance: nothing learnt: 0 judged item(s); at least 10 are needed');
    const exported = runCli(['relevance', 'export'], env);
    expect(exported.code).toBe(0);
    const model = JSON.parse(exported.stdout);
    expect(model.heads).toEqual(shippedModel().stored.heads);
    expect(Object.keys(model.terms).length).toBe(Object.keys(shippedModel().stored.terms).length);
    expect(runCli(['relevance', 'export', '--version', '3'], env).stderr).toContain('relevance: no version 3');
    const file = join(dir, 'model.json');
    writeFileSync(file, exported.stdout);
    const tagged = runCli(['tag', '--model', file], {}, '{"id":"a","title":"Probation officers vote to strike over pay"}\n');
    expect(JSON.parse(tagged.stdout)).toMatchObject({ id: 'a', relevant: true });
  }, 240_000); // eleven starts of the CLI: minutes on a loaded machine without PostgreSQL
});
