import {
  ApplicationCommandType,
  ComponentType,
  InteractionResponseType,
  TextInputStyle,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import * as z from 'zod';
import { DISCORD_OPTION, type DiscordCommandData } from './discord-options.js';

/** The message command ("Apps → Animate" on a message): application command type 3. */
export const ANIMATE_COMMAND: RESTPostAPIContextMenuApplicationCommandsJSONBody = {
  type: ApplicationCommandType.Message,
  name: 'Animate',
};

/** The modal Animate opens, and its two fields. */
export const ANIMATE_MODAL = { customId: 'clipbay:animate', prompt: 'prompt', image: 'image' } as const;

/** Discord's documented limits for a modal (discord.com/developers/docs/interactions/message-components). */
const MODAL_LIMITS = { title: 45, label: 45, value: 4000 } as const;

/** The types the families take as a first frame. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp']);

export const NO_IMAGE_TEXT =
  'That message has no image clipbay can animate (PNG, JPEG or WebP). Use Animate on a message with an image attached, or `/video` with `image`.';

const messageCommandSchema = z.object({
  type: z.literal(ApplicationCommandType.Message),
  name: z.literal(ANIMATE_COMMAND.name),
  target_id: z.string(),
  resolved: z.object({
    messages: z.record(
      z.string(),
      z.object({
        attachments: z
          .array(z.object({ url: z.string().url(), content_type: z.string().optional() }))
          .default([]),
      }),
    ),
  }),
});

/**
 * Animate on a message: the URL of its first image attachment, `null` when it has none, or
 * undefined when the interaction is not Animate.
 */
export function animateTarget(data: unknown): string | null | undefined {
  const parsed = messageCommandSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const message = parsed.data.resolved.messages[parsed.data.target_id];
  const image = message?.attachments.find((a) => IMAGE_TYPES.has(a.content_type ?? ''));
  return image?.url ?? null;
}

/**
 * The answer to Animate: a modal (interaction response type 9) asking what should happen, with the
 * image's link filled in. The link is Discord's signed CDN URL; Submit copies the file into the
 * bucket, and TokenBay only ever sees a link to the copy.
 */
export function animateModal(imageUrl: string) {
  return {
    type: InteractionResponseType.Modal,
    data: {
      custom_id: ANIMATE_MODAL.customId,
      title: 'Animate this image'.slice(0, MODAL_LIMITS.title),
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.TextInput,
              custom_id: ANIMATE_MODAL.prompt,
              style: TextInputStyle.Paragraph,
              label: 'What should happen in the video?'.slice(0, MODAL_LIMITS.label),
              placeholder: 'the waves start to move, the camera drifts left',
              required: true,
              max_length: MODAL_LIMITS.value,
            },
          ],
        },
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.TextInput,
              custom_id: ANIMATE_MODAL.image,
              style: TextInputStyle.Short,
              label: 'First frame (the message’s image)'.slice(0, MODAL_LIMITS.label),
              value: imageUrl.slice(0, MODAL_LIMITS.value),
              required: true,
              max_length: MODAL_LIMITS.value,
            },
          ],
        },
      ],
    },
  };
}

const modalSubmitSchema = z.object({
  custom_id: z.literal(ANIMATE_MODAL.customId),
  components: z.array(
    z.object({ components: z.array(z.object({ custom_id: z.string(), value: z.string().optional() })) }),
  ),
});

/**
 * The Animate modal's submission (interaction type 5), as the `/video` command's data it stands
 * for: the prompt, and the image as `image_url`. Undefined for any other modal.
 */
export function animateSubmission(data: unknown): DiscordCommandData | undefined {
  const parsed = modalSubmitSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const fields = new Map(
    parsed.data.components.flatMap((row) => row.components).map((f) => [f.custom_id, f.value]),
  );
  const prompt = fields.get(ANIMATE_MODAL.prompt)?.trim();
  const image = fields.get(ANIMATE_MODAL.image)?.trim();
  return {
    name: 'video',
    options: [
      { name: DISCORD_OPTION.prompt, type: 3, value: prompt ?? '' },
      ...(image ? [{ name: DISCORD_OPTION.imageUrl, type: 3, value: image }] : []),
    ],
  };
}
