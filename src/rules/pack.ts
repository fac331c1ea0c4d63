// The shipped UK-justice rule pack: the default rule set when none is configured.
import { readFileSync } from 'node:fs';

/** The YAML text of src/packs/rules/uk-justice.yaml. */
export function shippedRulePack(): string {
  return readFileSync(new URL('../packs/rules/uk-justice.yaml', import.meta.url), 'utf8');
}

export const SHIPPED_PACK_FILE = 'uk-justice.yaml';
