import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

/** What the bot needs when it posts to the channel itself (after the 15-minute interaction token). */
const NEEDED = {
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  embedLinks: 1n << 14n,
  attachFiles: 1n << 15n,
  sendMessagesInThreads: 1n << 38n,
};

describe('the Discord invite link in the README', () => {
  it('asks for exactly the permissions the notifier needs', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const asked = [...readme.matchAll(/discord\.com\/oauth2\/authorize\?[^`\s]*permissions=(\d+)/g)];
    expect(asked).toHaveLength(1);
    const expected = Object.values(NEEDED).reduce((all, bit) => all | bit, 0n);
    expect(BigInt(asked[0]![1]!)).toBe(expected);
    expect(expected).toBe(274_877_959_168n);
  });
});
