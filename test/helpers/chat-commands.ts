import { discordInteraction, videoCommandData } from '../../local/stack/discord-interaction.js';
import { discordHeaders, slackHeaders } from '../../local/stack/request-signing.js';
import { slackButtonClick, slackCommandBody } from '../../local/stack/slack-command.js';
import { SLACK_ACTION } from '../../bots/slack/slack-messages.js';
import type { StackWithFakeChat } from './local-stack-harness.js';

let sequence = 0;
/** A fresh Discord-style id (interaction ids are snowflakes). */
export const snowflake = () => `${Date.now()}${String(++sequence).padStart(5, '0')}`;

export interface SlackCommandFields {
  text: string;
  trigger: string;
  user?: string;
  channel?: string;
  team?: string;
}

/** A signed Slack `/video` through the stack's HTTP API; replies go to the fake chat's /hooks/<trigger>. */
export async function sendSlackCommand(
  running: StackWithFakeChat,
  fields: SlackCommandFields,
): Promise<{ status: number; body: { response_type?: string; text?: string } }> {
  const body = slackCommandBody({
    text: fields.text,
    triggerId: fields.trigger,
    responseUrl: `${running.chat.url}/hooks/${fields.trigger}`,
    ...(fields.user ? { userId: fields.user, userName: fields.user.toLowerCase() } : {}),
    ...(fields.channel ? { channelId: fields.channel } : {}),
    ...(fields.team ? { teamId: fields.team } : {}),
  });
  const response = await fetch(`${running.stack.url}/slack/events`, {
    method: 'POST',
    headers: slackHeaders(running.stack.slackSigningSecret, body),
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as { text?: string }) : {} };
}

export interface DiscordCommandFields {
  prompt: string;
  id?: string;
  user?: string;
  channel?: string;
  guild?: string;
}

/** A signed Discord `/video prompt:…` interaction through the stack's HTTP API. */
export async function sendDiscordCommand(
  running: StackWithFakeChat,
  fields: DiscordCommandFields,
): Promise<{
  id: string;
  status: number;
  body: { type?: number; data?: { content?: string; flags?: number } };
}> {
  const id = fields.id ?? snowflake();
  const body = JSON.stringify(
    discordInteraction({
      id,
      applicationId: running.stack.discordApplicationId,
      data: videoCommandData([{ name: 'prompt', type: 3, value: fields.prompt }]),
      ...(fields.channel ? { channelId: fields.channel } : {}),
      ...(fields.guild ? { guildId: fields.guild } : {}),
      ...(fields.user ? { user: { id: fields.user, username: `user${fields.user}` } } : {}),
    }),
  );
  const response = await fetch(`${running.stack.url}/discord/interactions`, {
    method: 'POST',
    headers: discordHeaders(running.stack.keys.discordPrivateKey, body),
    body,
  });
  return { id, status: response.status, body: (await response.json()) as never };
}

/** A signed click on one of clipbay's Slack buttons (Re-roll: `clipbay_reroll` with the execution). */
export async function sendSlackButton(
  running: StackWithFakeChat,
  fields: { actionId: string; value: string; trigger: string; user?: string; channel?: string },
): Promise<number> {
  const user = fields.user ?? 'U1';
  const payload = slackButtonClick({
    actionId: fields.actionId,
    value: fields.value,
    triggerId: fields.trigger,
    responseUrl: `${running.chat.url}/hooks/${fields.trigger}`,
    user: { id: user, name: user.toLowerCase() },
    channelId: fields.channel ?? 'C1',
  });
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const response = await fetch(`${running.stack.url}/slack/events`, {
    method: 'POST',
    headers: slackHeaders(running.stack.slackSigningSecret, body),
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** A click on a finished clip's Re-roll button (its execution's name), answered at the fake chat's /hooks/<trigger>. */
export function rerollClick(
  chatUrl: string,
  execution: string,
  trigger: string,
  clicker: Pick<Parameters<typeof slackButtonClick>[0], 'user' | 'channelId' | 'actionTs'> = {},
): Record<string, unknown> {
  return slackButtonClick({
    actionId: SLACK_ACTION.reroll,
    value: execution,
    triggerId: trigger,
    responseUrl: `${chatUrl}/hooks/${trigger}`,
    ...clicker,
  });
}
