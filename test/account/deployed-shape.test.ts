import { InteractionType } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { discordInteraction, videoCommandData } from '../../local/stack/discord-interaction.js';
import { discordHeaders, slackHeaders } from '../../local/stack/request-signing.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';

let sequence = 0;
const snowflake = () => `${Date.now()}${String(++sequence).padStart(5, '0')}`;

/**
 * The deployed shape, as a team that uses only Discord would run it: the Slack secret stays as the
 * stack created it. Through the emulated account: the bundles, their roles, Secrets Manager.
 */
describe('a Discord-only team on the deployed template', () => {
  let running: StackWithFakeChat;

  beforeAll(async () => {
    running = await startStackWithFakeChat(
      { DISCORD_BOT_TOKEN: 'bot-token' },
      {},
      { platforms: ['discord'] },
    );
  });
  afterAll(() => running.close());

  const discord = (payload: unknown) => {
    const body = JSON.stringify(payload);
    return fetch(`${running.stack.url}/discord/interactions`, {
      method: 'POST',
      headers: discordHeaders(running.stack.keys.discordPrivateKey, body),
      body,
    });
  };
  const ping = () =>
    discord({
      id: snowflake(),
      type: InteractionType.Ping,
      application_id: running.stack.discordApplicationId,
    });

  it('makes a Discord video end to end with the Slack secret unfilled', async () => {
    const { stack, chat } = running;
    const id = snowflake();
    const response = await discord(
      discordInteraction({
        id,
        applicationId: stack.discordApplicationId,
        data: videoCommandData([{ name: 'prompt', type: 3, value: 'a discord-only fox' }]),
      }),
    );
    expect(await response.json()).toEqual({ type: 5 });
    const execution = stack.workflow.list().find((e) => e.name === id)!;
    expect((await execution.done).status).toBe('SUCCEEDED');
    const final = chat.to(`/webhooks/${stack.discordApplicationId}/token-${id}/messages/@original`).at(-1)!;
    expect(JSON.stringify(final.body)).toContain('/v/');
  });

  it('turns Slack away with 503 and says in the log which secret to fill', async () => {
    const { stack, functionLogs } = running;
    const body = slackCommandBody({
      text: 'a fox',
      triggerId: 'slack.off.1',
      responseUrl: 'https://hooks.example/x',
    });
    const response = await fetch(`${stack.url}/slack/events`, {
      method: 'POST',
      headers: slackHeaders(stack.slackSigningSecret, body),
      body,
    });
    expect(response.status).toBe(503);
    expect(stack.workflow.list().some((e) => e.name === 'slack.off.1')).toBe(false);
    const lines = functionLogs.filter((l) => l.fn.startsWith('SlackEventsFn')).map((l) => l.line);
    expect(lines.some((l) => l.includes('The Slack secret is not filled'))).toBe(true);
  });

  it('answers 404 for a clip that does not exist, and for ids that are not clip ids', async () => {
    const { stack } = running;
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', '..%2F..%2FAAAAAAAAAAAAAAAAAAAAAA', 'short']) {
      const response = await fetch(`${stack.url}/v/${id}`, { redirect: 'manual' });
      expect(response.status, id).toBe(404);
    }
  });

  it('recovers from a throttled Secrets Manager at a cold start: the failure is not kept', async () => {
    const { stack } = running;
    const fn = stack.account.fn('DiscordInteractionsFn');
    fn.stop(); // the next invocation is a cold start
    // More throttles than the SDK's own retries: this cold start's read fails.
    stack.account.secrets.throttleNext = 10;
    expect((await ping()).status).toBe(500);
    stack.account.secrets.throttleNext = 0;
    const coldStarts = fn.stats.coldStarts;
    const answer = await ping();
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ type: 1 });
    // The same container recovered: no new cold start was needed.
    expect(fn.stats.coldStarts).toBe(coldStarts);
  });

  it('starts a new container after one crashes', async () => {
    const { stack } = running;
    const fn = stack.account.fn('DiscordInteractionsFn');
    expect((await ping()).status).toBe(200);
    const before = fn.stats.coldStarts;
    for (const pid of fn.pids()) process.kill(pid, 'SIGKILL');
    await vi.waitFor(() => expect(fn.pids()).toEqual([]));
    const answer = await ping();
    expect(answer.status).toBe(200);
    expect(fn.stats.coldStarts).toBe(before + 1);
  });
});
