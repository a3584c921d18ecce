import type { KeyObject } from 'node:crypto';
import { InteractionResponseType, InteractionType, MessageFlags } from 'discord-api-types/v10';
import * as z from 'zod';
import { PrivateAnswerError } from '../../functions/core/errors.js';
import { animateModal, animateSubmission, animateTarget, NO_IMAGE_TEXT } from './discord-animate.js';
import { autocompleteChoices } from './discord-autocomplete.js';
import { discordPlatform, type DiscordReplyTarget } from './discord-platform.js';
import { discordCommandDataSchema, parseDiscordOptions } from './discord-options.js';
import { parseDiscordRerunId } from './discord-messages.js';
import {
  acceptCommand,
  type Acceptance,
  type CommandContext,
} from '../../functions/core/ingress/accept-command.js';
import { isValidDiscordSignature } from './discord-request-check.js';
import { rerunVideo, type RerunDeps } from '../../functions/core/ingress/rerun-video.js';

export interface DiscordRequest {
  rawBody: string;
  signature: string | undefined;
  timestamp: string | undefined;
}

export interface DiscordAnswer {
  status: number;
  body: unknown;
}

export interface DiscordInteractionDeps extends RerunDeps {
  publicKey: KeyObject;
  applicationId: string | undefined;
  /** Discord's file hosts for these settings (an attachment is copied from there, not linked). */
  fileHosts?: readonly string[];
}

/** Bodies larger than this are not interactions; refused before parsing. */
export const MAX_INTERACTION_BYTES = 1024 * 1024;

const userSchema = z.object({
  id: z.string(),
  username: z.string().optional(),
  global_name: z.string().nullish(),
});
const interactionSchema = z.object({
  id: z.string().min(1).max(32),
  type: z.number().int(),
  application_id: z.string(),
  token: z.string().optional(),
  channel_id: z.string().optional(),
  channel: z.object({ id: z.string() }).optional(),
  guild_id: z.string().optional(),
  member: z.object({ user: userSchema }).optional(),
  user: userSchema.optional(),
  data: z.unknown().optional(),
});
const componentSchema = z.object({ custom_id: z.string().max(100) });

const ephemeral = (content: string): DiscordAnswer => ({
  status: 200,
  body: {
    type: InteractionResponseType.ChannelMessageWithSource,
    data: { content, flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [] } },
  },
});
const UNKNOWN = 'clipbay only understands the /video command and its buttons.';

/**
 * Discord's interactions endpoint: verify, answer PING and option autocomplete, map `/video` options with the shared
 * grammar (or a Re-roll / Vertical button click), start the workflow named after the interaction
 * id, and answer type 5 (deferred) so the workflow can edit the response later. Usage errors
 * answer privately and start nothing.
 */
export async function handleDiscordInteraction(
  request: DiscordRequest,
  deps: DiscordInteractionDeps,
): Promise<DiscordAnswer> {
  if (Buffer.byteLength(request.rawBody) > MAX_INTERACTION_BYTES)
    return { status: 413, body: { error: 'Body too large.' } };
  if (!isValidDiscordSignature(deps.publicKey, request.rawBody, request.signature, request.timestamp))
    return { status: 401, body: { error: 'Invalid request signature.' } };

  let json: unknown;
  try {
    json = JSON.parse(request.rawBody);
  } catch {
    return { status: 400, body: { error: 'Body is not JSON.' } };
  }
  const parsed = interactionSchema.safeParse(json);
  if (!parsed.success) return { status: 400, body: { error: 'Not a Discord interaction.' } };
  const interaction = parsed.data;
  if (deps.applicationId && interaction.application_id !== deps.applicationId)
    return { status: 400, body: { error: 'Interaction for another application.' } };
  if (interaction.type === InteractionType.Ping)
    return { status: 200, body: { type: InteractionResponseType.Pong } };
  if (interaction.type === InteractionType.ApplicationCommandAutocomplete) {
    // Typing in an option: offer what the family table allows. Nothing starts, nothing is counted.
    const data = discordCommandDataSchema.safeParse(interaction.data);
    const choices =
      data.success && data.data.name === 'video' ? autocompleteChoices(data.data, deps.defaultModel) : [];
    return {
      status: 200,
      body: { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } },
    };
  }

  const channelId = interaction.channel_id ?? interaction.channel?.id;
  const user = interaction.member?.user ?? interaction.user;
  if (!interaction.token || !channelId || !user) return ephemeral(UNKNOWN);
  const context: CommandContext = {
    id: interaction.id,
    replyTo: {
      platform: discordPlatform.id,
      applicationId: interaction.application_id,
      interactionToken: interaction.token,
      channelId,
      ...(interaction.guild_id ? { workspaceId: interaction.guild_id } : {}),
    } satisfies DiscordReplyTarget,
    requestedBy: { id: user.id, name: user.global_name ?? user.username ?? user.id },
  };

  try {
    let accepted: Acceptance;
    if (interaction.type === InteractionType.MessageComponent) {
      // Re-roll / Vertical under a finished clip: a new task from the original request.
      const button = parseDiscordRerunId(componentSchema.safeParse(interaction.data).data?.custom_id ?? '');
      if (!button) return ephemeral(UNKNOWN);
      if (button.kind === 'cancel') {
        // Cancel under the progress: the message itself says who cancelled (type 7 updates it).
        const outcome = await deps.cancel(button.executionId, context.requestedBy);
        if (outcome.kind === 'private') return ephemeral(outcome.text);
        return {
          status: 200,
          body: {
            type: InteractionResponseType.UpdateMessage,
            data: { content: outcome.text, embeds: [], components: [], allowed_mentions: { parse: [] } },
          },
        };
      }
      accepted = await rerunVideo(button.kind, button.executionId, context, deps);
    } else if (interaction.type === InteractionType.ApplicationCommand) {
      // Animate on a message: a modal asking what should happen (nothing starts or counts yet).
      const image = animateTarget(interaction.data);
      if (image === null) return ephemeral(NO_IMAGE_TEXT);
      if (image !== undefined) return { status: 200, body: animateModal(image) };
      const data = discordCommandDataSchema.safeParse(interaction.data);
      if (!data.success || data.data.name !== 'video') return ephemeral(UNKNOWN);
      accepted = await acceptCommand(
        parseDiscordOptions(data.data, {
          defaultModel: deps.defaultModel,
          copiedImageHosts: deps.fileHosts ?? [],
        }),
        context,
        deps,
      );
    } else if (interaction.type === InteractionType.ModalSubmit) {
      // The Animate modal: a run started exactly as `/video` with that prompt and image would.
      const command = animateSubmission(interaction.data);
      if (!command) return ephemeral(UNKNOWN);
      accepted = await acceptCommand(
        parseDiscordOptions(command, {
          defaultModel: deps.defaultModel,
          copiedImageHosts: deps.fileHosts ?? [],
        }),
        context,
        deps,
      );
    } else {
      return ephemeral(UNKNOWN);
    }
    if (accepted.kind === 'private') return ephemeral(accepted.text);
    // Deferred: Discord shows "clipbay is thinking…" and the workflow edits it with progress.
    return { status: 200, body: { type: InteractionResponseType.DeferredChannelMessageWithSource } };
  } catch (error) {
    if (error instanceof PrivateAnswerError)
      return ephemeral(`${error.message}\nType \`/video prompt:help\` for all options.`);
    throw error;
  }
}
