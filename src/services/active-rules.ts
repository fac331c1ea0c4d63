// The rules that tag items now: the database's active version (the highest number), or the shipped pack when
// no version was ever saved. THE one place that decides which rules tag items (poll, process-item, retag
// requests, the rules page). Compiled once per version per process: each call costs one indexed
// `max(number)` read, so a save in the web editor (another process) is picked up by the next item tagged.
import { type Matcher, compileRules } from '../rules/compile.ts';
import { SHIPPED_PACK_FILE, shippedRulePack } from '../rules/pack.ts';
import { loadRuleSet } from '../rules/ruleset.ts';
import type { RuleSet } from '../rules/types.ts';
import type { Db } from '../storage/db.ts';
import { activeRuleVersion, activeVersionNumber } from '../storage/rules.ts';
import { sharedInFlight } from './in-flight.ts';

export interface ActiveRules {
  /** 0 = the shipped pack (nothing saved yet). */
  version: number;
  yaml: string;
  ruleSet: RuleSet;
  matcher: Matcher;
}

const cache = new WeakMap<Db, ActiveRules>();
let shipped: ActiveRules | undefined;

function shippedRules(): ActiveRules {
  if (!shipped) {
    const yaml = shippedRulePack();
    const { ruleSet, problems } = loadRuleSet(yaml, SHIPPED_PACK_FILE);
    if (problems.length) throw new Error(`rules: the shipped rule pack has ${problems.length} problem(s) — run \`pressdesk rules check\` on ${SHIPPED_PACK_FILE}`);
    shipped = { version: 0, yaml, ruleSet, matcher: compileRules(ruleSet) };
  }
  return shipped;
}

async function load(db: Db): Promise<ActiveRules> {
  const n = await activeVersionNumber(db);
  const hit = cache.get(db);
  if (hit && hit.version === n) return hit;
  let next: ActiveRules;
  if (n === 0) next = shippedRules();
  else {
    const v = await activeRuleVersion(db);
    if (!v) return load(db); // saved and gone between the two reads: cannot happen, versions are never deleted
    next = { version: v.number, yaml: v.yaml, ruleSet: v.ruleSet, matcher: compileRules(v.ruleSet) };
  }
  cache.set(db, next);
  return next;
}

/** The active rules with their compiled matcher, recompiled only when the active version number moved.
 *  Concurrent polls share one version check. */
export const activeRules: (db: Db) => Promise<ActiveRules> = sharedInFlight(load);
