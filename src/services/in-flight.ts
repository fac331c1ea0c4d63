// Concurrent callers for the same database share one load in flight instead of a query each (a load already in
// flight when a change commits may answer the old state; the next one, a statement later, sees the new).
import type { Db } from '../storage/db.ts';

/** `load`, shared by the callers that ask while it is running. */
export function sharedInFlight<T>(load: (db: Db) => Promise<T>): (db: Db) => Promise<T> {
  const inFlight = new WeakMap<Db, Promise<T>>();
  return (db) => {
    let p = inFlight.get(db);
    if (!p) {
      p = load(db).finally(() => inFlight.delete(db));
      inFlight.set(db, p);
    }
    return p;
  };
}
