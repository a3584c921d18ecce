import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CLIPBAY_PERMISSIONS, inviteUrl } from '../../bots/discord/discord-invite.js';

/** What the bot needs when it posts to the channel itself (after the 15-minute interaction token). */
const NEEDED = {
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  embedLinks: 1n << 14n,
  attachFiles: 1n << 15n,
  sendMessagesInThreads: 1n << 38n,
};
const expected = Object.values(NEEDED).reduce((all, bit) => all | bit, 0n);

describe('the Discord invite link', () => {
  it('connect prints one that asks for exactly the permissions the notifier needs', () => {
    expect(CLIPBAY_PERMISSIONS).toBe(expected);
    const link = new URL(inviteUrl('123456789012345678'));
    expect(link.searchParams.get('permissions')).toBe('274877959168');
    expect(link.searchParams.get('scope')).toBe('bot applications.commands');
  });

  it('the by-hand copy in docs/CONNECTING.md asks for the same', async () => {
    const page = await readFile(new URL('../../docs/CONNECTING.md', import.meta.url), 'utf8');
    const asked = [...page.matchAll(/discord\.com\/oauth2\/authorize\?[^`\s]*permissions=(\d+)/g)];
    expect(asked).toHaveLength(1);
    expect(BigInt(asked[0]![1]!)).toBe(expected);
    expect(expected).toBe(274_877_959_168n);
  });
});
