import { LogLevel, WebClient } from '@slack/web-api';
import type { SlackManifest } from './slack-app-manifest.js';

/** A Slack error answer (`{ ok: false, error }`), with what Slack said. */
export class SlackApiRefusal extends Error {
  override readonly name = 'SlackApiRefusal';
  constructor(
    readonly method: string,
    readonly error: string,
    readonly details: string[] = [],
  ) {
    super(`Slack refused ${method}: ${error}${details.length ? ` (${details.join('; ')})` : ''}`);
  }
}

/** What `apps.manifest.create` hands back once: the app's id, signing secret and install link. */
export interface CreatedSlackApp {
  appId: string;
  signingSecret: string;
  installUrl: string;
}

/** Who a bot token belongs to, and what it may do. */
export interface BotTokenIdentity {
  team: string;
  teamId: string;
  scopes: string[];
}

/**
 * The Slack Web API calls `connect` and `doctor` make (api.slack.com/methods): app management with
 * an app configuration token, and `auth.test` with a bot token. No retries: a person is waiting,
 * and each answer is reported as it is.
 */
export class SlackAppApi {
  constructor(private readonly apiUrl: string) {}

  private client(token: string): WebClient {
    return new WebClient(token, {
      slackApiUrl: this.apiUrl,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
      timeout: 15_000,
    });
  }

  private async call(token: string, method: string, args: Record<string, unknown>) {
    try {
      return (await this.client(token).apiCall(method, args)) as unknown as Record<string, unknown> & {
        response_metadata?: { scopes?: string[] };
      };
    } catch (error) {
      const data = (error as { data?: { error?: string; errors?: { message?: string; pointer?: string }[] } })
        .data;
      if (data?.error)
        throw new SlackApiRefusal(
          method,
          data.error,
          (data.errors ?? []).map((e) => `${e.pointer ?? ''} ${e.message ?? ''}`.trim()),
        );
      throw error;
    }
  }

  async createApp(configToken: string, manifest: SlackManifest): Promise<CreatedSlackApp> {
    const answer = await this.call(configToken, 'apps.manifest.create', {
      manifest: JSON.stringify(manifest),
    });
    const credentials = answer.credentials as { signing_secret?: string } | undefined;
    return {
      appId: String(answer.app_id),
      signingSecret: String(credentials?.signing_secret ?? ''),
      installUrl: String(answer.oauth_authorize_url ?? ''),
    };
  }

  async exportManifest(configToken: string, appId: string): Promise<SlackManifest> {
    const answer = await this.call(configToken, 'apps.manifest.export', { app_id: appId });
    return answer.manifest as SlackManifest;
  }

  /** `apps.manifest.update`; `permissionsUpdated` when the app must be reinstalled for new scopes. */
  async updateManifest(
    configToken: string,
    appId: string,
    manifest: SlackManifest,
  ): Promise<{ permissionsUpdated: boolean }> {
    const answer = await this.call(configToken, 'apps.manifest.update', {
      app_id: appId,
      manifest: JSON.stringify(manifest),
    });
    return { permissionsUpdated: answer.permissions_updated === true };
  }

  /** `auth.test`: the token's workspace and its granted scopes (the `x-oauth-scopes` header). */
  async identify(botToken: string): Promise<BotTokenIdentity> {
    const answer = await this.call(botToken, 'auth.test', {});
    return {
      team: String(answer.team ?? ''),
      teamId: String(answer.team_id ?? ''),
      scopes: answer.response_metadata?.scopes ?? [],
    };
  }
}
