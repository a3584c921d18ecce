import { randomBytes, randomInt } from 'node:crypto';
import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import type { LocalStack } from '../stack/local-stack.js';
import { discordInteraction } from '../stack/discord-interaction.js';
import { discordHeaders, slackHeaders } from '../stack/request-signing.js';
import type { Platform, PlaygroundStore } from './playground-store.js';

/** Who types in the playground, on both platforms. */
export const PLAYGROUND_USER = { slackId: 'UPLAYGROUND', discordId: '500000000000000005', name: 'you' };
export const PLAYGROUND_TEAM = 'TPLAYGROUND';

/** Who acts, in every Slack interaction payload from the playground: the person and their workspace. */
export const SLACK_ACTOR = {
  team: { id: PLAYGROUND_TEAM, domain: 'playground' },
  user: {
    id: PLAYGROUND_USER.slackId,
    username: PLAYGROUND_USER.name,
    name: PLAYGROUND_USER.name,
    team_id: PLAYGROUND_TEAM,
  },
} as const;
const DISCORD_CHANNEL = '400000000000000004';
const DISCORD_GUILD = '600000000000000006';

/** A Discord interaction's answer, as the endpoint sent it. */
export interface DiscordAnswer {
  type: number;
  data?: Record<string, unknown>;
}

/**
 * The requests the playground sends as Slack or Discord would (signed with the local keys, to the
 * same `/slack/events` and `/discord/interactions` endpoints), and what it does with each answer:
 * a message shown in the conversation, a message edited in place, or a dialog opened.
 */
export class PlaygroundRequests {
  constructor(
    private readonly stack: LocalStack,
    private readonly store: PlaygroundStore,
  ) {}

  /**
   * The response_url Slack gives an interaction: its messages go to the conversation `id`; one
   * that replaces the original replaces the message the button was on (in `source`), as in Slack.
   */
  slackResponseUrl(id: string, source?: string): string {
    return `${this.stack.url}/playground/slack/response/${id}${source ? `/on/${source}` : ''}`;
  }

  /** Sends a Slack request body; the ack's JSON, or undefined for an empty ack. */
  async slack(body: string): Promise<Record<string, unknown> | undefined> {
    const response = await fetch(`${this.stack.url}/slack/events`, {
      method: 'POST',
      headers: slackHeaders(this.stack.slackSigningSecret, body),
      body,
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`Slack endpoint answered ${response.status}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  }

  /** Sends a Slack interaction payload (form-encoded `payload=`, as Slack posts it). */
  slackInteraction(payload: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    return this.slack(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  }

  /** Shows a command's ack in its conversation: in the channel, or only to the person. */
  showSlackAck(id: string, ack: Record<string, unknown> | undefined): void {
    if (ack) this.store.post(id, ack, { replace: false, ephemeral: ack.response_type !== 'in_channel' });
  }

  /**
   * Sends a Discord interaction and shows its answer: a message (type 4), "thinking" (type 5), the
   * button's message updated in place (type 7, in `source`), or a modal opened (type 9).
   */
  async discord(id: string, interaction: Record<string, unknown>, source?: string): Promise<DiscordAnswer> {
    if (this.stack.discordPublicKeyHex !== this.stack.keys.discordPublicKeyHex)
      throw new Error('The Discord view signs with the local keys; unset DISCORD_PUBLIC_KEY to use it.');
    const body = JSON.stringify(interaction);
    const response = await fetch(`${this.stack.url}/discord/interactions`, {
      method: 'POST',
      headers: discordHeaders(this.stack.keys.discordPrivateKey, body),
      body,
    });
    if (response.status !== 200) throw new Error(`Discord endpoint answered ${response.status}`);
    const answer = (await response.json()) as DiscordAnswer;
    switch (answer.type) {
      case InteractionResponseType.DeferredChannelMessageWithSource:
        this.store.post(id, { thinking: true, content: '' }, { replace: false, ephemeral: false });
        break;
      case InteractionResponseType.UpdateMessage:
        if (source && answer.data) this.store.replaceLast(source, answer.data);
        break;
      case InteractionResponseType.Modal:
        if (answer.data)
          this.store.showDialog(id, {
            id: String(answer.data.custom_id ?? 'modal'),
            hash: randomBytes(4).toString('hex'),
            body: answer.data,
          });
        break;
      default:
        if (answer.data)
          this.store.post(id, answer.data, {
            replace: false,
            ephemeral: answer.data.flags === MessageFlags.Ephemeral,
          });
    }
    return answer;
  }

  /**
   * A Discord interaction from the playground's person in its one channel. Its token names the
   * conversation its follow-ups and edits belong to (by default its own).
   */
  discordInteraction(id: string, type: number, data: Record<string, unknown>, conversation = id) {
    return discordInteraction({
      id,
      type,
      applicationId: this.stack.discordApplicationId,
      token: `pg-${conversation}`,
      channelId: DISCORD_CHANNEL,
      guildId: DISCORD_GUILD,
      user: { id: PLAYGROUND_USER.discordId, username: PLAYGROUND_USER.name, global_name: 'You' },
      data,
    });
  }
}

/** A new conversation's id: Slack trigger ids are dotted strings; Discord interaction ids are snowflakes. */
export function newConversationId(platform: Platform): string {
  return platform === 'slack'
    ? `pg.${randomBytes(8).toString('hex')}`
    : `${Date.now()}${randomInt(10_000, 99_999)}`;
}
