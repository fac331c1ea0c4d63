import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/storage/lock.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'pressdesk-lock-'));

describe('lockDataDir', () => {
  it('takes a free directory and releases it', () => {
    const dir = tmp();
    const r = lockDataDir(dir);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(readFileSync(join(dir, 'pressdesk.lock'), 'utf8')).toBe(String(process.pid));
    r.lock.release();
    const again = lockDataDir(dir);
    expect(again.ok).toBe(true);
    if (again.ok) again.lock.release();
  });

  it('refuses while another live process owns it', async () => {
    const dir = tmp();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      writeFileSync(join(dir, 'pressdesk.lock'), String(other.pid));
      expect(lockDataDir(dir)).toEqual({ ok: false, ownerPid: other.pid });
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a process that is gone', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'pressdesk.lock'), '2147483646');
    const r = lockDataDir(dir);
    expect(r.ok).toBe(true);
    if (r.ok) r.lock.release();
  });
});
