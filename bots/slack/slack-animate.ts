import type { App, MessageShortcut } from '@slack/bolt';
import * as z from 'zod';
import type { RerunDeps } from '../../functions/core/ingress/rerun-video.js';
import { videoForm, type FormMetadata } from './slack-video-form.js';
import type { SlackFormOptions } from './slack-form-listeners.js';

/** The message shortcut ("Animate" in a message's ⋯ menu), as both manifests declare it. */
export const ANIMATE_SHORTCUT = 'clipbay_animate';

/** What clipbay reads of a message's files (Slack's file object: docs.slack.dev/reference/objects/file-object). */
const messageFilesSchema = z.object({
  files: z
    .array(
      z.object({
        mimetype: z.string().optional(),
        url_private: z.string().url().optional(),
        name: z.string().optional(),
      }),
    )
    .default([]),
});

/** The types the families take as a first frame; anything else in a message is not offered. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp']);

export const NO_IMAGE_TEXT =
  'That message has no image clipbay can animate (PNG, JPEG or WebP). Use Animate on a message with an image, or `/video <prompt> --image <link>`.';

/**
 * "Animate" on a message: the `/video` form, opened with the message's first image as its first
 * frame (its private URL, which only the bot token can read: Submit copies the file into the
 * bucket and TokenBay gets a link to the copy). A message without one gets a private explanation,
 * and nothing starts or counts. The run answers in the message's channel, through the shortcut's
 * response_url, as a command's would.
 */
export function listenToAnimate(app: App, deps: RerunDeps, options: SlackFormOptions): void {
  app.shortcut<MessageShortcut>(
    { callback_id: ANIMATE_SHORTCUT, type: 'message_action' },
    async ({ shortcut, ack, respond }) => {
      const files = messageFilesSchema.safeParse(shortcut.message);
      const image = (files.success ? files.data.files : []).find(
        (file) => file.url_private && IMAGE_TYPES.has(file.mimetype ?? ''),
      );
      if (!image || !options.botToken) {
        await ack();
        await respond({
          response_type: 'ephemeral',
          text: image
            ? 'Animate needs clipbay’s bot token (an admin sets it up with `npm run connect`).'
            : NO_IMAGE_TEXT,
        });
        return;
      }
      const metadata: FormMetadata = {
        channelId: shortcut.channel.id,
        responseUrl: shortcut.response_url,
        workspaceId: shortcut.team?.id ?? undefined,
        imageUrl: image.url_private!,
      };
      // Within Slack's 3 s and before the ack, as the command's form is opened.
      await app.client.views.open({
        token: options.botToken,
        trigger_id: shortcut.trigger_id,
        view: videoForm(
          Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined)) as FormMetadata,
          deps.defaultModel,
        ),
      });
      await ack();
    },
  );
}
