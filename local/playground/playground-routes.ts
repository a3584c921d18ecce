import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ComponentType, InteractionType, MessageFlags } from 'discord-api-types/v10';
import * as z from 'zod';
import { PlaygroundGuard } from '../security/playground-guard.js';
import { readBody, sendJson } from '../http/http-helpers.js';
import type { LocalStack, Route } from '../stack/local-stack.js';
import { slackCommandBody } from '../stack/slack-command.js';
import { videoCommandData } from '../stack/discord-interaction.js';
import { discordOptionsFromText } from './discord-options-from-text.js';
import { playgroundChatRoutes, slackChannelOf } from './playground-chat-api.js';
import { actOnDialog, dialogActionSchema } from './playground-dialogs.js';
import {
  newConversationId,
  PLAYGROUND_TEAM,
  PLAYGROUND_USER,
  PlaygroundRequests,
  SLACK_ACTOR,
} from './playground-requests.js';
import {
  animateSharedFile,
  SHARED_FILE_LIMIT,
  shareFile,
  shareFileSchema,
  shortcutSchema,
  slackPrivateFileRoute,
} from './playground-shared-files.js';
import type { Platform, PlaygroundStore } from './playground-store.js';

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/playground/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/playground/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

export const PLAYGROUND_DISCORD_API = '/playground/discord/api';

const commandSchema = z.object({ platform: z.enum(['slack', 'discord']), text: z.string().max(100_000) });
const actionSchema = z.object({
  platform: z.enum(['slack', 'discord']),
  /** Slack: the action_id and value; Discord: the custom_id. */
  actionId: z.string().max(100),
  value: z.string().max(2000).default(''),
  label: z.string().max(100).default('button'),
  /** The conversation whose message the button is on: an answer that replaces it replaces it there. */
  conversationId: z.string().max(100).optional(),
});

/** The state-changing requests the page sends, each checked by the guard, then by its schema. */
interface PageRequest {
  schema: z.ZodType;
  /** How large a body it takes (a shared file is sent inline, base64). */
  limit: number;
  /** What it answers: the conversation to follow, or the dialog as it now stands. */
  run: (input: never) => Promise<unknown>;
  usage: string;
}

/**
 * The playground: a page where a person types `/video …` as in Slack or Discord, and routes that
 * turn it into the exact request the platform would send — signed with the local keys, sent to
 * the same `/slack/events` and `/discord/interactions` endpoints — plus stand-ins for the
 * platform side (Slack's response_url and Web API, Discord's webhook edits, uploads included) that
 * record what clipbay answers.
 */
export function playgroundRoutes(
  stack: LocalStack,
  store: PlaygroundStore,
  guard: PlaygroundGuard = new PlaygroundGuard(),
): Route[] {
  const requests = new PlaygroundRequests(stack, store);
  const filesDir = join(store.dataDir, 'playground-files');

  async function startCommand(platform: Platform, text: string): Promise<string> {
    const id = newConversationId(platform);
    // `/video` alone on Slack opens the form: closed unsent, it leaves no message.
    store.create(id, platform, `/video ${text}`.trim(), {
      kind: platform === 'slack' && text === '' ? 'form' : 'command',
    });
    if (platform === 'slack') {
      requests.showSlackAck(
        id,
        await requests.slack(
          slackCommandBody({
            text,
            triggerId: id,
            responseUrl: requests.slackResponseUrl(id),
            teamId: PLAYGROUND_TEAM,
            channelId: slackChannelOf(id),
            userId: PLAYGROUND_USER.slackId,
            userName: PLAYGROUND_USER.name,
          }),
        ),
      );
    } else {
      const options = discordOptionsFromText(text);
      if (typeof options === 'string') {
        store.post(
          id,
          { content: options, flags: MessageFlags.Ephemeral },
          { replace: false, ephemeral: true },
        );
        return id;
      }
      await requests.discord(
        id,
        requests.discordInteraction(id, InteractionType.ApplicationCommand, videoCommandData(options)),
      );
    }
    return id;
  }

  /** A button pressed on a message in conversation `action.conversationId`. */
  async function pressButton(action: z.infer<typeof actionSchema>): Promise<string> {
    const id = newConversationId(action.platform);
    const source =
      action.conversationId && store.get(action.conversationId) ? action.conversationId : undefined;
    store.create(id, action.platform, `${action.label} (button)`, { kind: 'press' });
    if (action.platform === 'slack') {
      requests.showSlackAck(
        id,
        await requests.slackInteraction({
          type: 'block_actions',
          trigger_id: id,
          response_url: requests.slackResponseUrl(id, source),
          ...SLACK_ACTOR,
          channel: { id: slackChannelOf(id), name: 'playground' },
          container: { type: 'message', channel_id: slackChannelOf(id), message_ts: '1.1' },
          api_app_id: 'APLAYGROUND',
          actions: [
            {
              type: 'button',
              action_id: action.actionId,
              block_id: 'b',
              value: action.value,
              action_ts: '1.2',
            },
          ],
        }),
      );
    } else {
      await requests.discord(
        id,
        requests.discordInteraction(id, InteractionType.MessageComponent, {
          custom_id: action.actionId,
          component_type: ComponentType.Button,
        }),
        source,
      );
    }
    return id;
  }

  const pageRequests: Record<string, PageRequest> = {
    '/playground/command': {
      schema: commandSchema,
      limit: 1024 * 1024,
      usage: 'Send { platform, text }.',
      run: async ({ platform, text }: z.infer<typeof commandSchema>) => ({
        id: await startCommand(platform, text),
      }),
    },
    '/playground/action': {
      schema: actionSchema,
      limit: 1024 * 1024,
      usage: 'Send { platform, actionId, value }.',
      run: async (action: z.infer<typeof actionSchema>) => ({ id: await pressButton(action) }),
    },
    '/playground/dialog': {
      schema: dialogActionSchema,
      limit: 1024 * 1024,
      usage: 'Send { conversationId, action, values }.',
      run: async (action: z.infer<typeof dialogActionSchema>) => ({
        id: action.conversationId,
        dialog: (await actOnDialog(requests, store, action)) ?? null,
      }),
    },
    '/playground/file': {
      schema: shareFileSchema,
      limit: Math.ceil((SHARED_FILE_LIMIT * 4) / 3) + 4096,
      usage: 'Send { platform, name, contentType, data } with data in base64.',
      run: async (file: z.infer<typeof shareFileSchema>) => ({
        id: await shareFile(stack, store, filesDir, file),
      }),
    },
    '/playground/shortcut': {
      schema: shortcutSchema,
      limit: 4096,
      usage: 'Send { conversationId }.',
      run: async (input: z.infer<typeof shortcutSchema>) => ({
        id: await animateSharedFile(requests, store, input),
      }),
    },
  };

  return [
    async (req, res, path) => {
      const asset = req.method === 'GET' ? STATIC[path] : undefined;
      if (!asset) return false;
      res.writeHead(200, {
        'content-type': asset.type,
        'cache-control': 'no-store',
        // The page holds its token: no other page may frame it.
        'x-frame-options': 'DENY',
        'content-security-policy': "frame-ancestors 'none'",
      });
      const content = await readFile(`${PAGE_DIR}${asset.file}`, 'utf8');
      res.end(asset.file === 'index.html' ? guard.pageWithToken(content) : content);
      return true;
    },
    async (req, res, path) => {
      const page = req.method === 'POST' ? pageRequests[path] : undefined;
      if (!page) return false;
      const problem = guard.problem(req);
      if (problem) {
        req.resume();
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`${problem}\n`);
        return true;
      }
      const input = page.schema.safeParse(await readJson(req, page.limit));
      if (!input.success) return answer(res, 400, { error: page.usage });
      try {
        return answer(res, 200, await page.run(input.data as never));
      } catch (error) {
        return answer(res, 502, { error: (error as Error).message });
      }
    },
    async (req, res, path) => {
      const match = /^\/playground\/slack\/response\/([\w.-]+)(?:\/on\/([\w.-]+))?$/.exec(path);
      if (!match || req.method !== 'POST') return false;
      const body = (await readJson(req, 1024 * 1024)) as Record<string, unknown>;
      const [, id, source] = match;
      // replace_original replaces the message the interaction came from, wherever it is.
      if (body.replace_original === true && source) store.replaceLast(source, body);
      else
        store.post(id!, body, {
          replace: body.replace_original === true,
          ephemeral: body.response_type === 'ephemeral',
        });
      return answer(res, 200, { ok: true });
    },
    ...playgroundChatRoutes(stack, store, store.dataDir),
    slackPrivateFileRoute(filesDir),
    (req, res, path) => {
      if (req.method !== 'GET') return false;
      if (path === '/playground/history') return answer(res, 200, store.list());
      const match = /^\/playground\/conversations\/([\w.-]+)$/.exec(path);
      if (!match) return false;
      const conversation = store.get(match[1]!);
      return answer(res, conversation ? 200 : 404, conversation ?? { error: 'No such conversation.' });
    },
  ];
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const text = await readBody(req, limit);
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

function answer(res: ServerResponse, status: number, body: unknown): true {
  sendJson(res, status, body);
  return true;
}
