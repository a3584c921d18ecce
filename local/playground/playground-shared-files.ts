import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationCommandType, InteractionType } from 'discord-api-types/v10';
import * as z from 'zod';
import { ANIMATE_COMMAND } from '../../bots/discord/discord-animate.js';
import { ANIMATE_SHORTCUT } from '../../bots/slack/slack-animate.js';
import type { LocalStack, Route } from '../stack/local-stack.js';
import { PLAYGROUND_SLACK_BOT_TOKEN, slackChannelOf } from './playground-chat-api.js';
import {
  newConversationId,
  PLAYGROUND_USER,
  type PlaygroundRequests,
  SLACK_ACTOR,
} from './playground-requests.js';
import type { PlaygroundStore } from './playground-store.js';
import { sharedFileExtension, sharedFileType } from './shared-file-types.js';

/**
 * A file shared in the playground's channel. Up to 12 MiB, a little over clipbay's 10 MiB cap for
 * an image to animate, so a person can see that refusal too.
 */
export const SHARED_FILE_LIMIT = 12 * 2 ** 20;

export const shareFileSchema = z.object({
  platform: z.enum(['slack', 'discord']),
  name: z.string().min(1).max(200),
  contentType: z.string().max(100),
  /** The file's bytes, base64 (the page sends JSON only: see PlaygroundGuard). */
  data: z.string().max(Math.ceil(SHARED_FILE_LIMIT / 3) * 4 + 4),
});

export const shortcutSchema = z.object({ conversationId: z.string().max(100) });

/**
 * Shares a file in the playground's channel, as a person drops one into Slack or Discord: stored
 * in the data folder, shown in the page, and served to clipbay where the platform serves it, on
 * the platform's (stand-in) file host. On Slack that is a private URL only the bot token may read.
 * A new conversation holds it; Animate acts on it from there.
 */
export async function shareFile(
  stack: LocalStack,
  store: PlaygroundStore,
  filesDir: string,
  input: z.infer<typeof shareFileSchema>,
): Promise<string> {
  const bytes = Buffer.from(input.data, 'base64');
  if (bytes.length > SHARED_FILE_LIMIT)
    throw new Error(
      `That file is over ${SHARED_FILE_LIMIT / 2 ** 20} MiB; the playground shares files up to that size.`,
    );
  const id = newConversationId(input.platform);
  const stored = `${randomBytes(8).toString('hex')}.${sharedFileExtension(input.contentType)}`;
  await mkdir(filesDir, { recursive: true });
  await writeFile(join(filesDir, stored), bytes);
  const name = input.name.replace(/[^\w.-]+/g, '_').slice(0, 80);
  store.create(id, input.platform, `shared ${name}`, {
    kind: 'file',
    file: {
      name,
      contentType: input.contentType,
      size: bytes.length,
      url: `/playground/files/${stored}`,
      platformUrl:
        input.platform === 'slack'
          ? `${stack.url}/playground/slack/files/${stored}`
          : `${stack.url}/playground/files/${stored}`,
    },
  });
  return id;
}

/**
 * "Animate" on a shared file, as the platform sends it: Slack's message shortcut (a message_action
 * with the message and its files; clipbay opens the form with views.open) or Discord's message
 * command (an application command of type 3 with the message resolved; clipbay answers with a
 * modal). A new conversation holds what follows: the form, the run's messages, or a refusal.
 */
export async function animateSharedFile(
  requests: PlaygroundRequests,
  store: PlaygroundStore,
  input: z.infer<typeof shortcutSchema>,
): Promise<string> {
  const shared = store.get(input.conversationId);
  if (!shared?.file) throw new Error('That message has no file to Animate.');
  const { file, platform } = shared;
  const id = newConversationId(platform);
  store.create(id, platform, `Animate on ${file.name}`, { kind: 'shortcut' });
  if (platform === 'slack') {
    const ts = `${Math.floor(shared.createdAt / 1000)}.000100`;
    const ack = await requests.slackInteraction({
      type: 'message_action',
      callback_id: ANIMATE_SHORTCUT,
      trigger_id: id,
      response_url: requests.slackResponseUrl(id),
      message_ts: ts,
      action_ts: `${Date.now() / 1000}`,
      token: 'deprecated',
      ...SLACK_ACTOR,
      channel: { id: slackChannelOf(id), name: 'playground' },
      message: {
        type: 'message',
        user: PLAYGROUND_USER.slackId,
        ts,
        text: '',
        files: [
          {
            id: `F${shared.id.slice(3, 13).toUpperCase()}`,
            name: file.name,
            mimetype: file.contentType,
            url_private: file.platformUrl,
          },
        ],
      },
    });
    requests.showSlackAck(id, ack);
  } else {
    await requests.discord(
      id,
      requests.discordInteraction(id, InteractionType.ApplicationCommand, {
        id: '700000000000000007',
        type: ApplicationCommandType.Message,
        name: ANIMATE_COMMAND.name,
        target_id: shared.id,
        resolved: {
          messages: {
            [shared.id]: {
              id: shared.id,
              content: '',
              attachments: [
                {
                  id: shared.id,
                  filename: file.name,
                  content_type: file.contentType,
                  size: file.size,
                  url: file.platformUrl,
                  proxy_url: file.platformUrl,
                },
              ],
            },
          },
        },
      }),
    );
  }
  return id;
}

/**
 * Slack's private file URL on the stand-in file host: the bytes to the bot token only; anything
 * else gets Slack's sign-in page (HTML, 200), as files.slack.com answers a request without it.
 */
export function slackPrivateFileRoute(filesDir: string): Route {
  return async (req, res, path) => {
    const match = /^\/playground\/slack\/files\/([0-9a-f]{16}\.(?:png|jpg|webp|gif|bin))$/.exec(path);
    if (!match || req.method !== 'GET') return false;
    if (req.headers.authorization !== `Bearer ${PLAYGROUND_SLACK_BOT_TOKEN}`) {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end('<!DOCTYPE html><html><body>Sign in to Slack</body></html>');
      return true;
    }
    const bytes = await readFile(join(filesDir, match[1]!)).catch(() => undefined);
    if (!bytes) res.writeHead(404, { 'content-type': 'text/plain' }).end('file_not_found\n');
    else
      res
        .writeHead(200, {
          'content-type': sharedFileType(match[1]!),
          'content-length': String(bytes.length),
          'x-content-type-options': 'nosniff',
        })
        .end(bytes);
    return true;
  };
}
