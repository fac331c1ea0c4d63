// The lazy command table in src/cli.ts must name every top-level command, and each entry must load the
// module that registers it: otherwise `pressdesk NAME` would answer "unknown command".
import { describe, expect, it } from 'vitest';
import { buildProgram, COMMANDS } from '../../src/cli.ts';

describe('pressdesk program', () => {
  it('lists in COMMANDS exactly the commands the modules register', async () => {
    const all = (await buildProgram()).commands.map((c) => c.name()).sort();
    expect(all).toEqual(Object.keys(COMMANDS).sort());
  });

  it('registers each command when only its own entry is loaded', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const names = (await buildProgram(name)).commands.map((c) => c.name());
      expect(names, name).toContain(name);
    }
  });

  it('loads everything for an unknown name, so the error can list the real commands', async () => {
    const names = (await buildProgram('nosuch')).commands.map((c) => c.name());
    expect(names.length).toBe(Object.keys(COMMANDS).length);
  });
});
