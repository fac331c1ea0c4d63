// PGlite has no cross-process locking: a second process that opens the same directory appears to work and
// then loses its writes. This lock file makes ownership explicit and refuses a second owner.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface DataDirLock {
  path: string;
  release(): void;
}

export type LockResult = { ok: true; lock: DataDirLock } | { ok: false; ownerPid: number };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data directory for this process, or names the live process that owns it. */
export function lockDataDir(dataDir: string): LockResult {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, 'pressdesk.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
        } catch {}
      };
      process.once('exit', release);
      return { ok: true, lock: { path, release } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isFinite(pid) && pid !== process.pid && alive(pid)) return { ok: false, ownerPid: pid };
      rmSync(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`storage: could not take the lock ${path}; remove it if no pressdesk is running`);
}
