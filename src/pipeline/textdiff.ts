// Text diff: what a person changed in a draft against the generated text, word by word (whitespace kept),
// by the longest common subsequence. Drafts are a page or two; past MAX_CELLS the comparison falls back to
// whole lines so a pasted novel cannot stall a request.

export interface DiffPart {
  op: 'same' | 'add' | 'del';
  text: string;
}

const MAX_CELLS = 4_000_000;

const words = (s: string) => s.match(/\s+|[^\s]+/g) ?? [];
const lines = (s: string) => s.match(/[^\n]*\n|[^\n]+$/g) ?? [];

function lcs(a: string[], b: string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  // table[i][j] = LCS length of a[i..] and b[j..], in one flat array.
  const w = m + 1;
  const table = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * w + j] = a[i] === b[j] ? table[(i + 1) * w + j + 1]! + 1 : Math.max(table[(i + 1) * w + j]!, table[i * w + j + 1]!);
    }
  }
  const out: DiffPart[] = [];
  const push = (op: DiffPart['op'], text: string) => {
    const last = out.at(-1);
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      push('same', a[i]!);
      i++;
      j++;
    } else if (table[(i + 1) * w + j]! >= table[i * w + j + 1]!) push('del', a[i++]!);
    else push('add', b[j++]!);
  }
  while (i < n) push('del', a[i++]!);
  while (j < m) push('add', b[j++]!);
  return out;
}

/** The parts that turn `before` into `after`: same, deleted and added runs, in order. */
export function diffText(before: string, after: string): DiffPart[] {
  const a = words(before);
  const b = words(after);
  if ((a.length + 1) * (b.length + 1) <= MAX_CELLS) return lcs(a, b);
  const la = lines(before);
  const lb = lines(after);
  if ((la.length + 1) * (lb.length + 1) <= MAX_CELLS) return lcs(la, lb);
  return before === after ? [{ op: 'same', text: before }] : [{ op: 'del', text: before }, { op: 'add', text: after }];
}

/** The same parts cut down to `context` lines either side of a change ("…" between), for showing. */
export function collapseDiff(parts: DiffPart[], context = 2): DiffPart[] {
  return parts.map((p, i) => {
    if (p.op !== 'same') return p;
    const lines = p.text.split('\n');
    const keepHead = i > 0 ? context : 0;
    const keepTail = i < parts.length - 1 ? context : 0;
    if (lines.length <= keepHead + keepTail + 1) return p;
    return { op: 'same', text: [...lines.slice(0, keepHead + 1), '…', ...lines.slice(lines.length - keepTail - 1)].join('\n') };
  });
}
