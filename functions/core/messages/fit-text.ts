/**
 * Cutting text to a platform limit. Limits count characters; cutting by UTF-16 units is never
 * longer. Escaped text is cut after escaping, at a point that leaves every escape whole.
 */
const ELLIPSIS = '…';

/** Keeps text within `max`, marking the cut; never splits a surrogate pair. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${cut(text, max - ELLIPSIS.length)}${ELLIPSIS}`;
}

/**
 * `clip` for Discord markdown escaped with `escapeMarkdown` (`\*`, `\_`, `\\` …): a cut between a
 * backslash and the character it escapes would leave a backslash that escapes what follows.
 */
export function clipEscapedMarkdown(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  const kept = cut(escaped, max - ELLIPSIS.length);
  const trailingBackslashes = kept.length - kept.replace(/\\+$/, '').length;
  return `${trailingBackslashes % 2 === 1 ? kept.slice(0, -1) : kept}${ELLIPSIS}`;
}

/** `clip` for Slack text escaped with `escapeSlack`: never cuts `&amp;`, `&lt;` or `&gt;` in half. */
export function clipEscapedSlack(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  return `${cut(escaped, max - ELLIPSIS.length).replace(/&[a-z]*$/, '')}${ELLIPSIS}`;
}

function cut(text: string, end: number): string {
  const kept = text.slice(0, Math.max(0, end));
  return /[\uD800-\uDBFF]$/.test(kept) ? kept.slice(0, -1) : kept;
}
