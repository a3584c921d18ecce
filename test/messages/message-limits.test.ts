import { describe, expect, it } from 'vitest';
import {
  discordFailureMessage,
  discordFinishedMessage,
  discordProgressMessage,
  discordReducedFinishedMessage,
} from '../../bots/discord/discord-messages.js';
import {
  slackFailureMessage,
  slackFinishedMessage,
  slackProgressMessage,
  slackReducedFinishedMessage,
} from '../../bots/slack/slack-messages.js';
import type { Requester } from '../../functions/core/chat/requester.js';
import {
  discordRequester,
  failure,
  finished,
  MARKDOWN_PROMPT,
  NOW,
  presignedUrl,
  progress,
  slackRequester,
} from '../helpers/message-fixtures.js';
import { discordViolations, slackViolations } from './platform-limits.js';

/** What a deployed stack renders at its worst: markdown-only prompts, Lambda-signed links. */
const hostile = {
  progress: (by: Requester) => ({
    ...progress(MARKDOWN_PROMPT, by),
    status: 'SOME_NEW_STATUS_'.repeat(30),
  }),
  finished: (by: Requester, link = presignedUrl(1900)) => ({ ...finished(MARKDOWN_PROMPT, by), link }),
  failure: (by: Requester) => ({
    ...failure(MARKDOWN_PROMPT, by),
    reason: `TokenBay could not make the video: ${'*_~~ <!channel> & '.repeat(200)}`,
  }),
};

const discord = {
  progress: () => discordProgressMessage(hostile.progress(discordRequester)),
  finished: () => discordFinishedMessage(hostile.finished(discordRequester), NOW),
  'finished (3,500-character link)': () =>
    discordFinishedMessage(hostile.finished(discordRequester, presignedUrl(3500)), NOW),
  reduced: () => discordReducedFinishedMessage(hostile.finished(discordRequester)),
  failure: () => discordFailureMessage(hostile.failure(discordRequester)),
};

const slack = {
  progress: () => slackProgressMessage(hostile.progress(slackRequester)),
  finished: () => slackFinishedMessage(hostile.finished(slackRequester), NOW),
  'finished (3,500-character link)': () =>
    slackFinishedMessage(hostile.finished(slackRequester, presignedUrl(3500)), NOW),
  reduced: () => slackReducedFinishedMessage(hostile.finished(slackRequester)),
  failure: () => slackFailureMessage(hostile.failure(slackRequester)),
};

/** Every "…" that marks a cut must follow an even run of backslashes (a whole escape). */
function cutsSplittingAnEscape(text: string): string[] {
  return [...text.matchAll(/(\\*)…/g)].filter((m) => m[1]!.length % 2 === 1).map((m) => m[0]);
}

describe('Discord messages at realistic sizes', () => {
  it('the fixtures are as big as production gets', () => {
    expect(MARKDOWN_PROMPT).toHaveLength(2000);
    expect(presignedUrl(1900)).toHaveLength(1900);
    expect(presignedUrl(3500)).toHaveLength(3500);
  });

  it.each(Object.entries(discord))('%s stays within every documented limit', (_name, render) => {
    expect(discordViolations(render())).toEqual([]);
  });

  it.each(Object.entries(discord))('%s cuts escaped markdown only between escapes', (_name, render) => {
    const message = render();
    for (const text of [message.content, ...message.embeds.map((e) => String(e.description ?? ''))])
      expect(cutsSplittingAnEscape(text)).toEqual([]);
  });

  it('keeps the start of the prompt, escaped, when it has to cut it', () => {
    const embed = discord.finished().embeds[0] as { description: string };
    expect(embed.description.startsWith('\\*\\_\\~\\~'.repeat(100))).toBe(true);
  });

  it('puts the 1,900-character link where it fits, never in a button, and says how long it lives', () => {
    const video = hostile.finished(discordRequester);
    const message = discordFinishedMessage(video, NOW);
    const buttons = (message.components[0] as { components: { url?: string }[] }).components;
    expect(buttons.flatMap((b) => (b.url ? [b.url] : []))).toEqual([video.shareLink]);
    expect(message.content).toContain(video.link);
    expect((message.embeds[0] as { description: string }).description).toContain(
      `[Download MP4](${video.link}) (valid for 59 minutes)`,
    );
  });

  it('leaves out a link too long for anywhere, keeping the share link', () => {
    const message = discord['finished (3,500-character link)']();
    const description = (message.embeds[0] as { description: string }).description;
    expect(JSON.stringify(message)).not.toContain('X-Amz-Signature');
    expect(description).toContain('[Share link](https://abc.execute-api.eu-west-1.amazonaws.com/v/');
  });
});

describe('Slack messages at realistic sizes', () => {
  it.each(Object.entries(slack))('%s stays within every Block Kit limit', (_name, render) => {
    expect(slackViolations(render())).toEqual([]);
  });

  it('buttons lead to the share link; the 1,900-character link sits in the note with its lifetime', () => {
    const video = hostile.finished(slackRequester);
    const message = slackFinishedMessage(video, NOW);
    const actions = message.blocks.find((b) => b.type === 'actions') as { elements: { url?: string }[] };
    expect(actions.elements.flatMap((b) => (b.url ? [b.url] : []))).toEqual([
      video.shareLink,
      video.shareLink,
    ]);
    expect(JSON.stringify(message.blocks.at(-1))).toContain(
      `<${video.link}|Download MP4> (valid for 59 minutes)`,
    );
  });

  it('a failure reason full of & < > is cut after escaping, never inside an entity', () => {
    const section = slack.failure().blocks[0] as { text: { text: string } };
    expect(section.text.text).toMatch(/(&amp;|&lt;|&gt;|[^&;])…$/);
    expect(section.text.text).not.toMatch(/&[a-z]*…$/);
  });
});
