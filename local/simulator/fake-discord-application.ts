import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { discordHeaders } from '../stack/request-signing.js';
import type { ChatAnswer, ChatRequest, FakeChatServer } from './fake-chat-api.js';

/** A registered application command, as Discord stores and returns it. */
export type RegisteredCommand = Record<string, unknown> & { id: string; name: string };

/** Discord's answer to an interactions endpoint URL it could not verify (HTTP 400, code 50035). */
const ENDPOINT_NOT_VERIFIED = {
  message: 'Invalid Form Body',
  code: 50035,
  errors: {
    interactions_endpoint_url: {
      _errors: [
        {
          code: 'APPLICATION_INTERACTIONS_ENDPOINT_URL_INVALID',
          message: 'The specified interactions endpoint url could not be verified.',
        },
      ],
    },
  },
};

/**
 * One Discord application behind its bot token, as `npm run connect` and `doctor` meet it
 * (discord.com/developers/docs): `GET /applications/@me` gives its id and `verify_key`;
 * `PATCH /applications/@me` with `interactions_endpoint_url` first sends the URL a PING signed with
 * the application's key (it must answer type 1) and one with a bad signature (it must answer 401),
 * and refuses the URL with a 400 otherwise; the command lists (global and per guild) are replaced
 * by PUT and read by GET. Any other token is a 401.
 */
export class FakeDiscordApplication {
  readonly id = `1${Date.now()}`.padEnd(18, '0').slice(0, 18);
  readonly botToken = `${Buffer.from(this.id).toString('base64')}.${randomBytes(4).toString('hex')}.${randomBytes(20).toString('base64url')}`;
  readonly privateKey: KeyObject;
  readonly publicKeyHex: string;
  interactionsEndpointUrl: string | null = null;
  readonly commands = new Map<string, RegisteredCommand[]>();
  /** What the last endpoint verification saw: the answers to the good and the bad PING. */
  lastVerification: { good: number; bad: number } | undefined;

  constructor(chat: FakeChatServer, prefix = '/discord/api/v10') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    this.publicKeyHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    const at = (method: string, path: string) =>
      new RegExp(`^${method} ${prefix.replace(/\//g, '\\/')}${path}$`);
    chat.handle(at('GET', '/applications/@me'), async (r) => this.authorized(r) ?? this.me());
    chat.handle(at('PATCH', '/applications/@me'), async (r) => this.authorized(r) ?? this.edit(r));
    chat.handle(
      at('(GET|PUT)', '/applications/(\\d+)(/guilds/\\d+)?/commands'),
      async (r) => this.authorized(r) ?? this.commandList(r, prefix),
    );
  }

  private authorized(request: ChatRequest): ChatAnswer | undefined {
    return request.headers.authorization === `Bot ${this.botToken}`
      ? undefined
      : { status: 401, body: { message: '401: Unauthorized', code: 0 } };
  }

  private me(): ChatAnswer {
    return {
      body: {
        id: this.id,
        name: 'clipbay',
        verify_key: this.publicKeyHex,
        interactions_endpoint_url: this.interactionsEndpointUrl,
        bot_public: true,
        bot_require_code_grant: false,
        flags: 0,
      },
    };
  }

  private async edit(request: ChatRequest): Promise<ChatAnswer> {
    const url = request.body.interactions_endpoint_url;
    // Saving the URL (even the same one) makes Discord check it again.
    if (typeof url === 'string') {
      if (!(await this.verify(url))) return { status: 400, body: ENDPOINT_NOT_VERIFIED };
      this.interactionsEndpointUrl = url;
    }
    return this.me();
  }

  /** Discord's check of a new endpoint: a signed PING must get type 1, a forged one a 401. */
  private async verify(url: string): Promise<boolean> {
    const ping = JSON.stringify({
      id: `9${Date.now()}`,
      type: 1,
      application_id: this.id,
      token: randomBytes(16).toString('hex'),
      version: 1,
    });
    const send = async (headers: Record<string, string>) => {
      try {
        const response = await fetch(url, { method: 'POST', headers, body: ping });
        const text = await response.text();
        return { status: response.status, type: (JSON.parse(text || '{}') as { type?: unknown }).type };
      } catch {
        return { status: 0, type: undefined };
      }
    };
    const good = await send(discordHeaders(this.privateKey, ping));
    const forged = discordHeaders(generateKeyPairSync('ed25519').privateKey, ping);
    const bad = await send(forged);
    this.lastVerification = { good: good.status, bad: bad.status };
    return good.status === 200 && good.type === 1 && bad.status === 401;
  }

  private commandList(request: ChatRequest, prefix: string): ChatAnswer {
    const scope = request.path.slice(prefix.length);
    if (!scope.startsWith(`/applications/${this.id}/`))
      return { status: 403, body: { message: 'Missing Access', code: 50001 } };
    if (request.method === 'GET') return { body: this.commands.get(scope) ?? [] };
    const given = Array.isArray(request.body) ? (request.body as Record<string, unknown>[]) : [];
    // Stored as Discord returns them: its own fields, and its defaults for what was left unset.
    const stored = given.map((command, index) => ({
      id: `2${index}${Date.now()}`.slice(0, 18),
      application_id: this.id,
      version: `3${Date.now()}`.slice(0, 18),
      default_member_permissions: null,
      type: 1,
      nsfw: false,
      name_localizations: null,
      description_localizations: null,
      integration_types: [0],
      contexts: null,
      ...(scope.includes('/guilds/') ? { guild_id: scope.split('/')[4] } : { dm_permission: true }),
      ...withoutUnset(command),
    })) as unknown as RegisteredCommand[];
    this.commands.set(scope, stored);
    return { body: stored };
  }
}

/** JSON as Discord stores it: keys whose value is undefined are not sent at all. */
function withoutUnset(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
