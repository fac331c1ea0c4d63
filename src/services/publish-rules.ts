// An editor saves rules (the YAML view or one topic's rows): a new version, active at once, audited, and a
// re-tag of stored items queued. The caller has loaded the YAML without problems.
import type { RuleSet } from '../rules/types.ts';
import { audit } from '../storage/audit.ts';
import { type RuleVersion, saveRuleVersion } from '../storage/rules.ts';
import type { Deps } from './deps.ts';
import { requestRetag } from './request-retag.ts';

export async function publishRules(
  deps: Pick<Deps, 'db' | 'queues' | 'now'>,
  v: { yaml: string; ruleSet: RuleSet; authorId: number; message: string; topic?: string },
): Promise<RuleVersion> {
  const saved = await deps.db.tx(async (t) => {
    const s = await saveRuleVersion(t, { yaml: v.yaml, ruleSet: v.ruleSet, authorId: v.authorId, message: v.message, now: deps.now() });
    const detail = v.topic ? { message: v.message, topic: v.topic } : { message: v.message };
    await audit(t, { userId: v.authorId, action: 'rule.published', objectType: 'rule_version', objectId: s.number, detail, at: deps.now() });
    return s;
  });
  await requestRetag(deps, { since: null, requestedBy: v.authorId });
  return saved;
}
