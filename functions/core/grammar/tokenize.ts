/**
 * Splits command text into words, keeping quoted phrases together. Understands straight quotes
 * and the curly quotes Slack and phone keyboards insert (“…”, ‘…’, „…“, «…»). A quote only opens
 * at the start of a word (so "dog’s" stays one word) and only when it is closed later; an unclosed
 * quote is kept as a literal character.
 */
export interface Token {
  text: string;
  /** True when the whole word came from inside quotes: never read as a flag. */
  quoted: boolean;
}

const CLOSING_QUOTES: Record<string, readonly string[]> = {
  '"': ['"'],
  "'": ["'"],
  '\u201c': ['\u201d', '\u201c'],
  '\u201d': ['\u201d'],
  '\u201e': ['\u201c', '\u201d'],
  '\u2018': ['\u2019', '\u2018'],
  '\u00ab': ['\u00bb'],
};

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    while (i < input.length && /\s/.test(input[i]!)) i++;
    if (i >= input.length) break;

    let text = '';
    let quoted = false;
    let wordStart = true;
    while (i < input.length && !/\s/.test(input[i]!)) {
      const char = input[i]!;
      const closers = CLOSING_QUOTES[char];
      // A quote opens at the start of a word or right after `=` (as in --negative="blurry, dark").
      if (closers && (wordStart || text.endsWith('='))) {
        const end = findClosing(input, i + 1, closers);
        if (end !== -1) {
          quoted = wordStart;
          text += input.slice(i + 1, end);
          i = end + 1;
          wordStart = false;
          continue;
        }
      }
      text += char;
      i++;
      wordStart = false;
    }
    tokens.push({ text, quoted });
  }
  return tokens;
}

function findClosing(input: string, from: number, closers: readonly string[]): number {
  for (let j = from; j < input.length; j++) if (closers.includes(input[j]!)) return j;
  return -1;
}
