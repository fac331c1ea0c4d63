// The labelled development set (../shared/eval/dev.jsonl beside the checkout, or `--dev FILE`): headlines and
// summaries that belong to their publishers, read for measuring and for training the shipped model's weights,
// never copied into the project. (bench/run.ts skips files whose names start with `_`.)
import { existsSync, readFileSync } from 'node:fs';
import type { ItemText } from '../src/domain/types.ts';

export interface DevItem extends ItemText {
  /** 1-based line in the file. */
  line: number;
  gold: boolean;
  goldTopics: string[];
  confidence?: string;
}

/** The file named by `--dev FILE` in argv, else ../shared/eval/dev.jsonl beside the checkout. */
export function devPath(argv: readonly string[] = process.argv): string | URL {
  const i = argv.indexOf('--dev');
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : new URL('../../shared/eval/dev.jsonl', import.meta.url);
}

/** The labelled items, or null when the file is absent. */
export function readDev(path: string | URL = devPath()): DevItem[] | null {
  if (!existsSync(path)) return null;
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const o = JSON.parse(l);
      return { id: o.id, title: o.title ?? '', summary: o.summary ?? '', url: o.link, source: o.source, line: i + 1, gold: !!o.relevant, goldTopics: o.topics ?? [], confidence: o.confidence };
    });
}
