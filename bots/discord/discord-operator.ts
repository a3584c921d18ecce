import type { Answers, Question } from '../../ops/answers.js';
import { failed, passed, type CheckResult } from '../../ops/check-result.js';
import { OperatorError } from '../../ops/operator-error.js';
import type { OperatorContext, OperatorPlatform } from '../../ops/operator-platform.js';
import { DiscordAppApi, discordRefusal, type DiscordApplication } from './discord-app-api.js';
import { clipbayCommands, commandLabel, commandsMatch } from './discord-commands.js';
import { inviteUrl } from './discord-invite.js';
import { discordSecretSchema } from './discord-settings.js';

const BOT_TOKEN: Question = {
  flag: 'discord-bot-token',
  env: 'DISCORD_BOT_TOKEN',
  message: 'Discord bot token (Developer Portal → your app → Bot → Reset Token)',
  secret: true,
  problem: (token) =>
    token.split('.').length === 3 ? undefined : 'is not a bot token (three dot-separated parts)',
};
const GUILD: Question = {
  flag: 'guild',
  env: 'DISCORD_GUILD_ID',
  message: 'Discord server id to register the commands in (blank: globally)',
  problem: (id) => (/^\d{15,21}$/.test(id) ? undefined : 'must be a Discord id, 15 to 21 digits'),
};

const TOKEN_FIX =
  'Developer Portal → your app → Bot → Reset Token, then: npm run connect -- --discord-bot-token=…';

const apiOf = (context: OperatorContext, botToken: string) =>
  new DiscordAppApi(context.env.DISCORD_API_BASE ?? 'https://discord.com/api', botToken);

/**
 * Discord's part of `connect`: from the bot token alone it learns the application's id and public
 * key, writes them into the stack's secret, then sets the Interactions Endpoint URL (Discord checks
 * it with a signed PING, which the stack can answer only once it holds the key), registers the
 * commands where they differ, and prints the invite link.
 */
export const discordOperator: OperatorPlatform = {
  questions: [BOT_TOKEN, GUILD],

  wanted: (answers: Answers) => answers.given(BOT_TOKEN) !== undefined,

  async connect(context) {
    const { answers, current, requestUrl, say } = context;
    const botToken = answers.given(BOT_TOKEN) ?? (current?.botToken || (await answers.need(BOT_TOKEN)));
    const api = apiOf(context, botToken);
    const app = await application(api);
    say(`Discord application ${app.name} (${app.id})`);

    // The server the commands go to, remembered so doctor and later runs check the same place.
    const guildId = answers.given(GUILD) ?? (current?.guildId || undefined);
    const saved = await context.secrets.save(context.secretId, {
      publicKey: app.verifyKey,
      botToken,
      applicationId: app.id,
      ...(guildId ? { guildId } : {}),
    });
    say(saved === 'written' ? 'Wrote the Discord secret' : 'The Discord secret already held these values');

    if (app.interactionsEndpointUrl === requestUrl)
      say(`Discord already sends interactions to ${requestUrl}`);
    else {
      try {
        await api.setInteractionsEndpoint(requestUrl);
      } catch (error) {
        const refusal = discordRefusal(error);
        if (!refusal) throw error;
        throw new OperatorError(
          `Discord refused ${requestUrl} as the Interactions Endpoint URL: ${refusal.message}`,
          'Discord checks it with a PING signed by this application’s key. The secret holds that key now, but a warm function may use the previous one for up to 5 minutes: run connect again after that. If it still fails, npm run doctor checks the route.',
        );
      }
      say(`Discord now sends interactions to ${requestUrl}`);
    }

    const where = guildId ? `in server ${guildId}` : 'globally';
    if (commandsMatch(await api.commands(app.id, guildId))) say(`The commands are current ${where}`);
    else {
      await api.putCommands(app.id, clipbayCommands(), guildId);
      say(
        `Registered ${clipbayCommands().map(commandLabel).join(', ')} ${where}${guildId ? '' : ' (can take up to an hour to appear)'}`,
      );
    }
    return [`Add the bot to your server: ${inviteUrl(app.id)}`];
  },

  async doctor(context) {
    const { current, requestUrl } = context;
    if (!current?.publicKey?.trim())
      return [failed('Discord secret', 'not filled', 'npm run connect -- --discord-bot-token=…')];
    const shape = discordSecretSchema.safeParse(current);
    if (!shape.success)
      return [
        failed(
          'Discord secret',
          `"${shape.error.issues[0]!.path.join('.')}" ${shape.error.issues[0]!.message}`,
          'npm run connect',
        ),
      ];
    const checks: CheckResult[] = [passed('Discord secret', 'public key present')];
    if (!current.botToken)
      return [...checks, failed('Discord bot token', 'missing', 'npm run connect -- --discord-bot-token=…')];
    const api = apiOf(context, current.botToken);
    let app: DiscordApplication;
    try {
      app = await api.application();
    } catch (error) {
      const refusal = discordRefusal(error);
      return [
        ...checks,
        failed(
          'Discord bot token',
          refusal ? `refused (${refusal.status})` : (error as Error).message,
          TOKEN_FIX,
        ),
      ];
    }
    checks.push(passed('Discord bot token', `application ${app.name}`));
    checks.push(
      app.verifyKey === current.publicKey.toLowerCase()
        ? passed('Discord public key', 'the secret holds the application’s key')
        : failed(
            'Discord public key',
            'the secret holds another application’s key',
            'npm run connect (it writes this application’s key)',
          ),
    );
    if (app.interactionsEndpointUrl === requestUrl) {
      checks.push(passed('Discord endpoint URL', requestUrl));
      checks.push(await pingCheck(api, requestUrl));
    } else
      checks.push(
        failed(
          'Discord endpoint URL',
          `Discord sends to ${app.interactionsEndpointUrl ?? '(nothing)'}, the stack listens at ${requestUrl}`,
          'npm run connect (it sets the Interactions Endpoint URL)',
        ),
      );
    checks.push(await forgedPingCheck(requestUrl));
    const guildId = context.answers.given(GUILD) ?? (current.guildId || undefined);
    checks.push(
      commandsMatch(await api.commands(app.id, guildId))
        ? passed('Discord commands', `current ${guildId ? `in server ${guildId}` : 'globally'}`)
        : failed(
            'Discord commands',
            `the registered definitions differ from this version’s ${guildId ? `in server ${guildId}` : 'globally'}`,
            `npm run discord:register (or npm run connect${guildId ? ` -- --guild=${guildId}` : ''})`,
          ),
    );
    return checks;
  },
};

/**
 * Discord's own check, asked for again: saving the Interactions Endpoint URL makes Discord send it
 * a PING signed with the application's key (which must answer type 1) and a forged one (401).
 */
async function pingCheck(api: DiscordAppApi, requestUrl: string): Promise<CheckResult> {
  try {
    await api.setInteractionsEndpoint(requestUrl);
    return passed('Discord signed PING', 'the stack answered Discord’s check');
  } catch (error) {
    const refusal = discordRefusal(error);
    return failed(
      'Discord signed PING',
      refusal?.message ?? (error as Error).message,
      'Check that the Discord secret holds this application’s public key (npm run connect writes it) and the ingress function’s log.',
    );
  }
}

/** A PING with no valid signature must be refused with 401: the stack verifies every request. */
async function forgedPingCheck(requestUrl: string): Promise<CheckResult> {
  const body = JSON.stringify({ type: 1, id: '0', application_id: '0', token: 'doctor', version: 1 });
  const timestamp = String(Math.floor(Date.now() / 1000));
  try {
    const response = await fetch(requestUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature-ed25519': '00'.repeat(64),
        'x-signature-timestamp': timestamp,
      },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    if (response.status === 401)
      return passed('Discord route', 'reachable, and an unsigned request is refused');
    if (response.status === 503)
      return failed(
        'Discord route',
        'the stack answers 503: Discord is off',
        'Fill the Discord secret: npm run connect',
      );
    return failed(
      'Discord route',
      `an unsigned PING got HTTP ${response.status}, not 401`,
      'See the Discord ingress function’s log (npm run doctor shows recent failures).',
    );
  } catch (error) {
    return failed(
      'Discord route',
      `${requestUrl} could not be reached: ${(error as Error).message}`,
      'Check the stack’s HTTP API (npm run deploy).',
    );
  }
}

async function application(api: DiscordAppApi): Promise<DiscordApplication> {
  try {
    return await api.application();
  } catch (error) {
    const refusal = discordRefusal(error);
    if (refusal?.status === 401) throw new OperatorError('Discord refused the bot token (401).', TOKEN_FIX);
    throw error;
  }
}
