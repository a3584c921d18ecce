import { describe, expect, it } from 'vitest';
import {
  escapeSlack,
  slackFailureMessage,
  slackFinishedMessage,
  slackProgressMessage,
  type SlackMessage,
} from '../../bots/slack/slack-messages.js';
import {
  failure,
  finished,
  HOSTILE_PROMPT,
  LONG_PROMPT,
  NOW,
  progress,
} from '../helpers/message-fixtures.js';

/** Everything Slack would parse as mrkdwn: the fallback text and every mrkdwn element. */
function mrkdwnTexts(message: SlackMessage): string[] {
  const texts = [message.text];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'mrkdwn' && typeof record.text === 'string') texts.push(record.text);
      Object.values(record).forEach(visit);
    }
  };
  visit(message.blocks);
  return texts;
}

const renders = {
  progress: () => slackProgressMessage(progress(HOSTILE_PROMPT)),
  finished: () => slackFinishedMessage(finished(HOSTILE_PROMPT), NOW),
  failure: () => slackFailureMessage(failure(HOSTILE_PROMPT)),
};

describe('Slack Block Kit messages', () => {
  it.each(Object.entries(renders))('renders the %s message (snapshot)', async (name, render) => {
    await expect(JSON.stringify(render(), null, 2)).toMatchFileSnapshot(`./__snapshots__/slack-${name}.json`);
  });

  it.each(Object.entries(renders))(
    '%s: a hostile prompt pings nobody and renders as typed',
    (_name, render) => {
      const message = render();
      for (const text of mrkdwnTexts(message)) {
        expect(text).not.toContain('<!channel>');
        expect(text).not.toContain('<@U123>');
        expect(text).not.toContain('<https://evil.test');
      }
      // The prompt itself sits in a plain_text section: no mrkdwn, no mentions, exactly as typed.
      const promptBlock = message.blocks.find((b) => (b.text as { type?: string })?.type === 'plain_text');
      expect(promptBlock?.text).toEqual({ type: 'plain_text', text: HOSTILE_PROMPT, emoji: false });
      // The requester is the one deliberate mention.
      expect(mrkdwnTexts(message).join(' ')).toContain('<@U0ASKER>');
    },
  );

  it('keeps a 2,000-character prompt whole and within Block Kit limits', () => {
    for (const message of [
      slackProgressMessage(progress(LONG_PROMPT)),
      slackFinishedMessage(finished(LONG_PROMPT), NOW),
      slackFailureMessage(failure(LONG_PROMPT)),
    ]) {
      const promptBlock = message.blocks.find((b) => (b.text as { type?: string })?.type === 'plain_text')!;
      expect((promptBlock.text as { text: string }).text).toBe(LONG_PROMPT);
      expect(message.text.length).toBeLessThanOrEqual(3000);
      expect(message.blocks.length).toBeLessThanOrEqual(50);
      for (const block of message.blocks) expect(JSON.stringify(block).length).toBeLessThan(3100);
    }
  });

  it('shows what the user needs on the finished message', () => {
    const video = finished('a corgi');
    const message = slackFinishedMessage(video, NOW);
    const json = JSON.stringify(message);
    for (const fact of [
      'veo-3.1-generate-preview',
      '8 s',
      '720p',
      '16:9',
      '1:42',
      'Watch',
      'Share link',
      'valid for 59 minutes',
    ])
      expect(json).toContain(fact);
    // Notifications and the buttons lead to the share link, which outlives the presigned one.
    expect(message.text).toContain(video.shareLink);
    const actions = message.blocks.find((b) => b.type === 'actions') as { elements: { url?: string }[] };
    expect(actions.elements.map((e) => e.url)).toEqual([video.shareLink, video.shareLink, undefined]);
    expect(json).toContain(`<${video.link}|Download MP4> (valid for 59 minutes)`);
  });

  it('escapes exactly &, < and >', () => {
    expect(escapeSlack('<!here> & <@U1> > x')).toBe('&lt;!here&gt; &amp; &lt;@U1&gt; &gt; x');
  });
});
