// The rule language's data: query trees (what the parser makes) and rule sets (what a rules file holds).
// All of it is plain JSON so rule sets can be stored, versioned and diffed.
import type { Field } from './text.ts';

export type { Field };
export type { Rule, RuleSet, Topic } from '../domain/rules.ts';

interface At {
  /** Where the node starts in the query text, in characters, and how long it is there. */
  offset: number;
  length: number;
}

/**
 * One word (`prison`), prefix wildcard (`probat*`) or phrase (`"approved premises"`). `words` holds the words
 * as written (a trailing `*` marks a prefix); matching folds case and accents unless `caseSensitive`.
 */
export interface TermNode extends At {
  type: 'term';
  words: string[];
  phrase: boolean;
  caseSensitive: boolean;
}
export interface AndNode extends At {
  type: 'and';
  children: QueryNode[];
}
export interface OrNode extends At {
  type: 'or';
  children: QueryNode[];
}
export interface NotNode extends At {
  type: 'not';
  child: QueryNode;
}
/** `left NEAR/n right`: at most `distance` other words between them, in one field; `ordered` for ONEAR. */
export interface NearNode extends At {
  type: 'near';
  left: TermNode | OrNode;
  right: TermNode | OrNode;
  distance: number;
  ordered: boolean;
}
/** `title:( … )`: the child matches only in these fields. */
export interface FieldNode extends At {
  type: 'field';
  fields: Field[];
  child: QueryNode;
}
export type QueryNode = TermNode | AndNode | OrNode | NotNode | NearNode | FieldNode;

/** A problem found while loading a rules file; the rest of the file still loads. Lines and columns from 1. */
export interface RuleProblem {
  file: string;
  line: number;
  col: number;
  message: string;
  topic?: string;
  rule?: string;
}

/** One highlighted term: character offsets into the field's stripped text (see fieldText). */
export interface TermHit {
  field: Field;
  start: number;
  end: number;
  text: string;
}

export interface RuleMatch {
  topic: string;
  rule: string;
  terms: TermHit[];
}
