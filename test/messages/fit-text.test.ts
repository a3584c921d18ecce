import { escapeMarkdown } from '@discordjs/formatters';
import { describe, expect, it } from 'vitest';
import { clip, clipEscapedMarkdown, clipEscapedSlack } from '../../functions/core/messages/fit-text.js';
import { escapeSlack } from '../../bots/slack/slack-messages.js';

describe('fitting text to a limit', () => {
  it('leaves text that fits alone and marks a cut with …', () => {
    expect(clip('a fox', 5)).toBe('a fox');
    expect(clip('a red fox', 5)).toBe('a re…');
  });

  it('never splits a surrogate pair', () => {
    expect(clip('ab🎬cd', 4)).toBe('ab…');
  });

  it.each([3, 4, 5, 6, 7, 8])('cuts escaped markdown between escapes (limit %i)', (max) => {
    const escaped = escapeMarkdown('*_~~*_');
    const cut = clipEscapedMarkdown(escaped, max);
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(cut.endsWith('…')).toBe(true);
    expect(/(\\*)…$/.exec(cut)![1]!.length % 2).toBe(0);
    expect(escaped.startsWith(cut.slice(0, -1))).toBe(true);
  });

  it('keeps an escaped backslash whole or drops it whole', () => {
    const escaped = escapeMarkdown('a\\bc');
    expect(escaped).toBe('a\\\\bc');
    expect(clipEscapedMarkdown(escaped, 3)).toBe('a…');
    expect(clipEscapedMarkdown(escaped, 4)).toBe('a\\\\…');
  });

  it.each([4, 5, 6, 7, 8, 9])('cuts Slack-escaped text between entities (limit %i)', (max) => {
    const cut = clipEscapedSlack(escapeSlack('a&<b>'), max);
    expect(cut.length).toBeLessThanOrEqual(max);
    expect(cut).not.toMatch(/&[a-z]*…$/);
  });
});
