// What the model does about each topic, given its probabilities and what the rules decided: nothing, veto a
// topic the rules gave (its probability below the topic's veto threshold) or rescue a topic they did not
// (above its rescue threshold). The relevance head (0) takes no decision of its own: it is in every topic's
// probability (score.ts), and an item is relevant when it has a topic.
import type { Thresholds } from '../../domain/relevance.ts';

export const NONE = 0;
export const VETO = 1;
export const RESCUE = 2;
export type Action = typeof NONE | typeof VETO | typeof RESCUE;

/** Per head: its action (head 0's is always NONE), into `out` when given. `ruled[h]` is 1 when the rules gave
 *  head h. */
export function decide(p: Float64Array, ruled: Uint8Array, th: readonly Thresholds[], out: Action[] = new Array(p.length)): Action[] {
  out[0] = NONE;
  for (let h = 1; h < p.length; h++) {
    out[h] = NONE;
    if (ruled[h]) out[h] = p[h]! < th[h]!.veto ? VETO : NONE;
    else if (p[h]! > th[h]!.rescue) out[h] = RESCUE;
  }
  return out;
}
