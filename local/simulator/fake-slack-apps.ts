import { randomBytes } from 'node:crypto';
import type { ChatAnswer, ChatRequest, FakeChatServer } from './fake-chat-api.js';

/** A Slack app the fake knows: its manifest, its signing secret, and the bot tokens installs gave. */
export interface FakeSlackApp {
  appId: string;
  manifest: Record<string, unknown>;
  signingSecret: string;
}

/** A bot token the fake accepts, with the scopes the install granted. */
export interface FakeBotToken {
  token: string;
  scopes: readonly string[];
  team?: string;
}

/**
 * Slack's app management and token checks, as `npm run connect` and `doctor` meet them
 * (api.slack.com/methods): `apps.manifest.create|export|update` take an app configuration token
 * (`xoxe.xoxp-…`) and answer `invalid_auth` for anything else; `auth.test` answers for a bot token
 * with the granted scopes in the `x-oauth-scopes` header, and `invalid_auth` for an unknown token.
 * Installing an app (a person's click in Slack) is `install(appId, scopes)`, which mints a token.
 */
export class FakeSlackApps {
  readonly apps = new Map<string, FakeSlackApp>();
  readonly tokens = new Map<string, FakeBotToken>();
  private readonly configTokens = new Set<string>();

  constructor(chat: FakeChatServer, prefix = '/slack/api/') {
    const method = (name: string) =>
      new RegExp(`^POST ${prefix.replace(/\//g, '\\/')}${name.replace('.', '\\.')}$`);
    chat.handle(method('apps.manifest.create'), async (r) => this.create(r));
    chat.handle(method('apps.manifest.export'), async (r) => this.export(r));
    chat.handle(method('apps.manifest.update'), async (r) => this.update(r));
    chat.handle(method('auth.test'), async (r) => this.authTest(r));
  }

  /** An app configuration token (Your Apps → "Your App Configuration Tokens"). */
  issueConfigToken(): string {
    const token = `xoxe.xoxp-1-${randomBytes(16).toString('hex')}`;
    this.configTokens.add(token);
    return token;
  }

  /** A workspace admin installs the app: a bot token with these scopes. */
  install(scopes: readonly string[], team = 'T1'): string {
    const token = `xoxb-${Date.now()}-${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, { token, scopes, team });
    return token;
  }

  /** An existing app made by hand (the "existing app" path). */
  existing(manifest: Record<string, unknown> = {}): FakeSlackApp {
    return this.add(manifest);
  }

  private add(manifest: Record<string, unknown>): FakeSlackApp {
    const app = {
      appId: `A${String(this.apps.size + 1).padStart(10, '0')}`,
      manifest,
      signingSecret: randomBytes(16).toString('hex'),
    };
    this.apps.set(app.appId, app);
    return app;
  }

  private configAuth(request: ChatRequest): ChatAnswer | undefined {
    const token = bearer(request) ?? String(request.body.token ?? '');
    return this.configTokens.has(token) ? undefined : { body: { ok: false, error: 'invalid_auth' } };
  }

  private manifestOf(request: ChatRequest): Record<string, unknown> | undefined {
    const raw = request.body.manifest;
    if (typeof raw !== 'string')
      return typeof raw === 'object' && raw ? (raw as Record<string, unknown>) : undefined;
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  private invalidManifest(manifest: Record<string, unknown> | undefined): ChatAnswer | undefined {
    const name = (manifest?.display_information as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string' && name.length > 0 && name.length <= 35) return undefined;
    return {
      body: {
        ok: false,
        error: 'invalid_manifest',
        errors: [{ message: 'must have a display name', pointer: '/display_information/name' }],
      },
    };
  }

  private async create(request: ChatRequest): Promise<ChatAnswer> {
    const refused = this.configAuth(request);
    if (refused) return refused;
    const manifest = this.manifestOf(request);
    const invalid = this.invalidManifest(manifest);
    if (invalid) return invalid;
    const app = this.add(manifest!);
    return {
      body: {
        ok: true,
        app_id: app.appId,
        credentials: {
          client_id: `1.${app.appId}`,
          client_secret: randomBytes(16).toString('hex'),
          verification_token: randomBytes(12).toString('hex'),
          signing_secret: app.signingSecret,
        },
        oauth_authorize_url: `https://slack.com/oauth/v2/authorize?client_id=1.${app.appId}&scope=${scopesOf(manifest!).join(',')}`,
      },
    };
  }

  private async export(request: ChatRequest): Promise<ChatAnswer> {
    const refused = this.configAuth(request);
    if (refused) return refused;
    const app = this.apps.get(String(request.body.app_id ?? ''));
    if (!app) return { body: { ok: false, error: 'app_not_found' } };
    return { body: { ok: true, manifest: app.manifest } };
  }

  private async update(request: ChatRequest): Promise<ChatAnswer> {
    const refused = this.configAuth(request);
    if (refused) return refused;
    const app = this.apps.get(String(request.body.app_id ?? ''));
    if (!app) return { body: { ok: false, error: 'app_not_found' } };
    const manifest = this.manifestOf(request);
    const invalid = this.invalidManifest(manifest);
    if (invalid) return invalid;
    const scopesBefore = JSON.stringify(scopesOf(app.manifest).sort());
    app.manifest = manifest!;
    // Slack says when new scopes need the app reinstalled.
    const permissionsUpdated = JSON.stringify(scopesOf(manifest!).sort()) !== scopesBefore;
    return { body: { ok: true, app_id: app.appId, permissions_updated: permissionsUpdated } };
  }

  private async authTest(request: ChatRequest): Promise<ChatAnswer> {
    const token = this.tokens.get(bearer(request) ?? String(request.body.token ?? ''));
    if (!token) return { body: { ok: false, error: 'invalid_auth' } };
    return {
      headers: { 'x-oauth-scopes': token.scopes.join(',') },
      body: {
        ok: true,
        url: 'https://acme.slack.com/',
        team: 'Acme',
        user: 'clipbay',
        team_id: token.team,
        user_id: 'U0CLIPBAY',
        bot_id: 'B0CLIPBAY',
      },
    };
  }
}

function bearer(request: ChatRequest): string | undefined {
  return /^Bearer (\S+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
}

function scopesOf(manifest: Record<string, unknown>): string[] {
  return ((manifest.oauth_config as { scopes?: { bot?: string[] } } | undefined)?.scopes?.bot ?? []).slice();
}
