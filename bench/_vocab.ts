// The benches' made-up news vocabulary: 4,000 three-syllable words that no rule matches and no stemmer
// changes much, so text built from them costs what real words cost without tagging anything by accident.
// (bench/run.ts skips files whose names start with `_`.)
const SYLLABLES = 'ba ko ri tu me sa lo vi ne da po ga ru fi ke mo ta zu'.split(' ');

export const VOCAB = Array.from({ length: 4000 }, (_, i) => SYLLABLES[i % 18]! + SYLLABLES[Math.floor(i / 18) % 18]! + SYLLABLES[Math.floor(i / 324) % 18]!);
