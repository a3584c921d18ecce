import { randomBytes, randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ComponentType, InteractionResponseType, InteractionType, MessageFlags } from 'discord-api-types/v10';
import * as z from 'zod';
import { PlaygroundGuard } from '../security/playground-guard.js';
import { readBody, sendJson } from '../http/http-helpers.js';
import type { LocalStack, Route } from '../stack/local-stack.js';
import { discordHeaders, slackHeaders } from '../stack/request-signing.js';
import { slackCommandBody } from '../stack/slack-command.js';
import { discordOptionsFromText } from './discord-options-from-text.js';
import { playgroundChatRoutes, slackChannelOf } from './playground-chat-api.js';
import type { Platform, PlaygroundStore } from './playground-store.js';
import { discordInteraction, videoCommandData } from '../stack/discord-interaction.js';

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/playground/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/playground/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

/** Who types in the playground, on both platforms. */
const PLAYGROUND_USER = { slackId: 'UPLAYGROUND', discordId: '500000000000000005', name: 'you' };
const DISCORD_CHANNEL = '400000000000000004';
export const PLAYGROUND_DISCORD_API = '/playground/discord/api';

const commandSchema = z.object({ platform: z.enum(['slack', 'discord']), text: z.string().max(100_000) });
const actionSchema = z.object({
  platform: z.enum(['slack', 'discord']),
  /** Slack: the action_id and value; Discord: the custom_id. */
  actionId: z.string().max(100),
  value: z.string().max(2000).default(''),
  label: z.string().max(100).default('button'),
});

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
  const slackResponseUrl = (id: string) => `${stack.url}/playground/slack/response/${id}`;

  async function sendSlack(id: string, body: string): Promise<void> {
    const response = await fetch(`${stack.url}/slack/events`, {
      method: 'POST',
      headers: slackHeaders(stack.slackSigningSecret, body),
      body,
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`Slack endpoint answered ${response.status}`);
    if (!text) return; // block_actions are acked with an empty body
    const ack = JSON.parse(text) as Record<string, unknown>;
    store.post(id, ack, { replace: false, ephemeral: ack.response_type !== 'in_channel' });
  }

  async function sendDiscord(id: string, interaction: Record<string, unknown>): Promise<void> {
    if (stack.discordPublicKeyHex !== stack.keys.discordPublicKeyHex)
      throw new Error('The Discord view signs with the local keys; unset DISCORD_PUBLIC_KEY to use it.');
    const body = JSON.stringify(interaction);
    const response = await fetch(`${stack.url}/discord/interactions`, {
      method: 'POST',
      headers: discordHeaders(stack.keys.discordPrivateKey, body),
      body,
    });
    if (response.status !== 200) throw new Error(`Discord endpoint answered ${response.status}`);
    const answer = (await response.json()) as { type: number; data?: Record<string, unknown> };
    if (answer.type === InteractionResponseType.DeferredChannelMessageWithSource)
      store.post(id, { thinking: true, content: '' }, { replace: false, ephemeral: false });
    else if (answer.data)
      store.post(id, answer.data, {
        replace: false,
        ephemeral: answer.data.flags === MessageFlags.Ephemeral,
      });
  }

  const interaction = (id: string, type: number, data: Record<string, unknown>) =>
    discordInteraction({
      id,
      type,
      applicationId: stack.discordApplicationId,
      token: `pg-${id}`,
      channelId: DISCORD_CHANNEL,
      guildId: '600000000000000006',
      user: { id: PLAYGROUND_USER.discordId, username: PLAYGROUND_USER.name, global_name: 'You' },
      data,
    });

  async function startCommand(platform: Platform, text: string): Promise<string> {
    const id = newId(platform);
    store.create(id, platform, `/video ${text}`);
    if (platform === 'slack') {
      await sendSlack(
        id,
        slackCommandBody({
          text,
          triggerId: id,
          responseUrl: slackResponseUrl(id),
          teamId: 'TPLAYGROUND',
          channelId: slackChannelOf(id),
          userId: PLAYGROUND_USER.slackId,
          userName: PLAYGROUND_USER.name,
        }),
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
      await sendDiscord(id, interaction(id, InteractionType.ApplicationCommand, videoCommandData(options)));
    }
    return id;
  }

  async function pressButton(action: z.infer<typeof actionSchema>): Promise<string> {
    const id = newId(action.platform);
    store.create(id, action.platform, `${action.label} (button)`);
    if (action.platform === 'slack') {
      const payload = {
        type: 'block_actions',
        trigger_id: id,
        response_url: slackResponseUrl(id),
        user: {
          id: PLAYGROUND_USER.slackId,
          username: PLAYGROUND_USER.name,
          name: PLAYGROUND_USER.name,
          team_id: 'TPLAYGROUND',
        },
        team: { id: 'TPLAYGROUND', domain: 'playground' },
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
      };
      await sendSlack(id, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    } else {
      await sendDiscord(
        id,
        interaction(id, InteractionType.MessageComponent, {
          custom_id: action.actionId,
          component_type: ComponentType.Button,
        }),
      );
    }
    return id;
  }

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
      if (req.method !== 'POST' || (path !== '/playground/command' && path !== '/playground/action'))
        return false;
      const problem = guard.problem(req);
      if (problem) {
        req.resume();
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end(`${problem}\n`);
        return true;
      }
      const json = await readJson(req);
      try {
        if (path === '/playground/command') {
          const command = commandSchema.safeParse(json);
          if (!command.success) return answer(res, 400, { error: 'Send { platform, text }.' });
          return answer(res, 200, { id: await startCommand(command.data.platform, command.data.text) });
        }
        const action = actionSchema.safeParse(json);
        if (!action.success) return answer(res, 400, { error: 'Send { platform, actionId, value }.' });
        return answer(res, 200, { id: await pressButton(action.data) });
      } catch (error) {
        return answer(res, 502, { error: (error as Error).message });
      }
    },
    async (req, res, path) => {
      const match = /^\/playground\/slack\/response\/([\w.-]+)$/.exec(path);
      if (!match || req.method !== 'POST') return false;
      const body = (await readJson(req)) as Record<string, unknown>;
      store.post(match[1]!, body, {
        replace: body.replace_original === true,
        ephemeral: body.response_type === 'ephemeral',
      });
      return answer(res, 200, { ok: true });
    },
    ...playgroundChatRoutes(stack, store, store.dataDir),
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

function newId(platform: Platform): string {
  // Slack trigger ids are dotted strings; Discord interaction ids are snowflakes (digits).
  return platform === 'slack'
    ? `pg.${randomBytes(8).toString('hex')}`
    : `${Date.now()}${randomInt(10_000, 99_999)}`;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req, 1024 * 1024);
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
