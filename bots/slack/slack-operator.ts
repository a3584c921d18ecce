import type { Answers, Question } from '../../ops/answers.js';
import { failed, passed, skipped, type CheckResult } from '../../ops/check-result.js';
import { OperatorError } from '../../ops/operator-error.js';
import type { OperatorContext, OperatorPlatform } from '../../ops/operator-platform.js';
import { SlackApiRefusal, SlackAppApi, type BotTokenIdentity } from './slack-app-api.js';
import {
  clipbayManifest,
  manifestDifferences,
  manifestRequestUrls,
  pointedAt,
} from './slack-app-manifest.js';
import { missingScopes } from './slack-scopes.js';
import { slackSecretSchema } from './slack-settings.js';

const CONFIG_TOKEN: Question = {
  flag: 'slack-config-token',
  env: 'SLACK_CONFIG_TOKEN',
  message: 'Slack app configuration token (xoxe.xoxp-…, api.slack.com/apps → Your App Configuration Tokens)',
  secret: true,
  problem: (token) =>
    token.startsWith('xoxe.xoxp-')
      ? undefined
      : 'must be the access token (xoxe.xoxp-…), not the refresh token (xoxe-…)',
};
const SIGNING_SECRET: Question = {
  flag: 'slack-signing-secret',
  env: 'SLACK_SIGNING_SECRET',
  message: 'Slack signing secret (your app → Basic Information → App Credentials)',
  secret: true,
  problem: (secret) =>
    /^[0-9a-f]{32}$/i.test(secret) ? undefined : 'must be the 32 hex characters Slack shows',
};
const BOT_TOKEN: Question = {
  flag: 'slack-bot-token',
  env: 'SLACK_BOT_TOKEN',
  message: 'Slack bot token (xoxb-…, your app → OAuth & Permissions)',
  secret: true,
  problem: (token) =>
    token.startsWith('xoxb-') ? undefined : 'must start with xoxb- (the Bot User OAuth Token)',
};

const REFUSED_TOKEN = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);

const apiOf = (context: OperatorContext) =>
  new SlackAppApi(context.env.SLACK_API_URL ?? 'https://slack.com/api/');

/**
 * Slack's part of `connect`: with an app configuration token it creates the app from manifest.yaml
 * (or, on a rerun, points the app it made at the stack again), takes the signing secret from
 * Slack's answer and prints the install link; with an existing app it takes the signing secret.
 * Either way the bot token is checked with `auth.test` and its scopes before anything is written.
 */
export const slackOperator: OperatorPlatform = {
  questions: [CONFIG_TOKEN, SIGNING_SECRET, BOT_TOKEN],

  wanted: (answers: Answers) => [CONFIG_TOKEN, SIGNING_SECRET, BOT_TOKEN].some((q) => answers.given(q)),

  async connect(context) {
    const { answers, current, requestUrl, say } = context;
    const api = apiOf(context);
    const todo: string[] = [];
    const creating = !current?.appId && !answers.given(SIGNING_SECRET) && !current?.signingSecret;
    const configToken =
      answers.given(CONFIG_TOKEN) ??
      (creating &&
      answers.interactive &&
      (await answers.confirm(
        'Create the Slack app from clipbay’s manifest (needs an app configuration token)?',
        true,
      ))
        ? await answers.need(CONFIG_TOKEN)
        : undefined);

    if (configToken && !current?.appId && !creating)
      throw new OperatorError(
        'The Slack secret holds an app set up by hand (or --slack-signing-secret names one); connect does not make another app over it.',
        'To keep that app, run connect without --slack-config-token (set its request URLs yourself). To replace it, empty the Slack secret first: aws secretsmanager put-secret-value --secret-id <SlackSecretName> --secret-string \'{"signingSecret":"","botToken":""}\'',
      );
    let secret = {
      signingSecret: current?.signingSecret ?? '',
      botToken: current?.botToken ?? '',
      appId: current?.appId ?? '',
    };
    let installUrl: string | undefined;
    if (configToken && secret.appId) {
      const live = await refusalsExplained(() => api.exportManifest(configToken, secret.appId));
      const wanted = await clipbayManifest(requestUrl);
      const stale = manifestDifferences(live, wanted);
      if (!stale.length) say(`Slack app ${secret.appId} is current and points at ${requestUrl}`);
      else {
        // The app connect made follows clipbay's manifest (its name and look stay as they are).
        const updated = await refusalsExplained(() =>
          api.updateManifest(configToken, secret.appId, {
            ...pointedAt(wanted, requestUrl),
            display_information: live.display_information,
          }),
        );
        say(`Slack app ${secret.appId} updated: ${stale.join(', ')}`);
        if (updated.permissionsUpdated) {
          const reinstall = `Reinstall the Slack app so it gets its new scopes (api.slack.com/apps/${secret.appId} → Install App)`;
          say(reinstall);
          todo.push(reinstall);
        }
      }
    } else if (configToken) {
      const app = await refusalsExplained(async () =>
        api.createApp(configToken, await clipbayManifest(requestUrl)),
      );
      secret = { signingSecret: app.signingSecret, botToken: '', appId: app.appId };
      // Saved at once: a rerun finds the app by its id (and never makes a second one).
      try {
        await context.secrets.save(context.secretId, withoutBlank(secret));
      } catch (error) {
        throw new OperatorError(
          `Created the Slack app ${app.appId}, but its values could not be saved: ${(error as Error).message}`,
          `Run connect again with --slack-signing-secret (the app's Basic Information page shows it), or delete the app ${app.appId} at api.slack.com/apps and run connect again.`,
        );
      }
      say(`Created the Slack app ${app.appId}; its signing secret is in the stack`);
      installUrl = app.installUrl;
    } else {
      secret.signingSecret =
        answers.given(SIGNING_SECRET) ?? (secret.signingSecret || (await answers.need(SIGNING_SECRET)));
      if (secret.appId)
        todo.push(
          `Slack's request URL was not checked: give --slack-config-token to check it and point the app at ${requestUrl}`,
        );
      else
        todo.push(
          `In your Slack app, set the Request URL of /video (Slash Commands) and of Interactivity to ${requestUrl}`,
        );
    }

    if (installUrl) say(`Install it to your workspace: ${installUrl}`);
    const botToken =
      answers.given(BOT_TOKEN) ??
      (secret.botToken || (installUrl && !answers.interactive ? undefined : await answers.need(BOT_TOKEN)));
    if (!botToken) {
      todo.push(
        `Install the Slack app (${installUrl}), then run: npm run connect -- --slack-bot-token=xoxb-…`,
      );
      return todo;
    }
    const identity = await checkedToken(api, botToken);
    say(`Slack bot token accepted for ${identity.team || identity.teamId} with every scope clipbay needs`);
    secret.botToken = botToken;
    const saved = await context.secrets.save(context.secretId, withoutBlank(secret));
    say(saved === 'written' ? 'Wrote the Slack secret' : 'The Slack secret already held these values');
    return todo;
  },

  async doctor(context) {
    const { current } = context;
    if (!current?.signingSecret?.trim())
      return [
        failed(
          'Slack secret',
          'not filled',
          'npm run connect (or give --slack-signing-secret and --slack-bot-token)',
        ),
      ];
    const shape = slackSecretSchema.safeParse(current);
    if (!shape.success)
      return [
        failed(
          'Slack secret',
          `"${shape.error.issues[0]!.path.join('.')}" ${shape.error.issues[0]!.message}`,
          'npm run connect',
        ),
      ];
    const checks: CheckResult[] = [passed('Slack secret', 'signing secret present')];
    const api = apiOf(context);
    if (!current.botToken)
      checks.push(
        failed(
          'Slack bot token',
          'missing: clips are posted as links, not uploaded',
          'npm run connect -- --slack-bot-token=xoxb-…',
        ),
      );
    else checks.push(...(await inspectToken(api, current.botToken)).checks);

    const configToken = context.answers.given(CONFIG_TOKEN);
    if (!configToken || !current.appId)
      checks.push(
        skipped(
          'Slack request URL',
          !current.appId
            ? 'the app was not made by connect, so its manifest cannot be read here'
            : 'give --slack-config-token (or SLACK_CONFIG_TOKEN) to read the app’s manifest',
        ),
      );
    else {
      try {
        const live = await api.exportManifest(configToken, current.appId);
        const wrong = manifestRequestUrls(live).filter((url) => url !== context.requestUrl);
        checks.push(
          wrong.length
            ? failed(
                'Slack request URL',
                `the app sends to ${wrong[0] || '(nothing)'}, the stack listens at ${context.requestUrl}`,
                'npm run connect -- --slack-config-token=… (it points the app at the stack)',
              )
            : passed('Slack request URL', context.requestUrl),
        );
        // Shortcuts and scopes of this version (Animate: the shortcut and files:read).
        const missing = manifestDifferences(live, await clipbayManifest(context.requestUrl)).filter(
          (part) => part !== 'request URLs',
        );
        checks.push(
          missing.length
            ? failed(
                'Slack app manifest',
                `its ${missing.join(' and ')} differ from this version’s`,
                'npm run connect -- --slack-config-token=… (it updates the app; reinstall it if Slack asks)',
              )
            : passed('Slack app manifest', 'shortcuts and scopes current'),
        );
      } catch (error) {
        checks.push(
          failed(
            'Slack request URL',
            (error as Error).message,
            'Check the configuration token (they expire after 12 hours).',
          ),
        );
      }
    }
    return checks;
  },
};

/** `auth.test` for a bot token: who it belongs to, and a check each for the token and its scopes. */
async function inspectToken(
  api: SlackAppApi,
  botToken: string,
): Promise<{ checks: CheckResult[]; identity?: BotTokenIdentity }> {
  let identity: BotTokenIdentity;
  try {
    identity = await api.identify(botToken);
  } catch (error) {
    if (error instanceof SlackApiRefusal && REFUSED_TOKEN.has(error.error))
      return { checks: [failed('Slack bot token', `refused by Slack (${error.error})`, BOT_TOKEN_FIX)] };
    return {
      checks: [
        failed('Slack bot token', `Slack could not be asked: ${(error as Error).message}`, 'Run this again.'),
      ],
    };
  }
  const missing = missingScopes(identity.scopes);
  return {
    identity,
    checks: [
      passed('Slack bot token', `workspace ${identity.team || identity.teamId}`),
      missing.length
        ? failed(
            'Slack scopes',
            `missing ${missing.map((m) => `${m.scope} (${m.for})`).join(', ')}`,
            SCOPES_FIX,
          )
        : passed('Slack scopes', identity.scopes.join(', ')),
    ],
  };
}

const BOT_TOKEN_FIX =
  'Copy the Bot User OAuth Token (xoxb-…) from your app’s OAuth & Permissions page, then: npm run connect -- --slack-bot-token=xoxb-…';
const SCOPES_FIX =
  'Add them under OAuth & Permissions → Bot Token Scopes (bots/slack/manifest.yaml lists them), reinstall the app, then run npm run connect again.';

/** `auth.test` and the scopes, as an error that says what to do; nothing is written before it passes. */
async function checkedToken(api: SlackAppApi, botToken: string): Promise<BotTokenIdentity> {
  const { checks, identity } = await inspectToken(api, botToken);
  for (const check of checks)
    if (check.state === 'failed') throw new OperatorError(`${check.what}: ${check.detail}.`, check.fix);
  return identity!;
}

/** Slack's refusal of an app call, as an error that says what to do. */
async function refusalsExplained<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof SlackApiRefusal)) throw error;
    if (REFUSED_TOKEN.has(error.error))
      throw new OperatorError(
        `Slack refused the app configuration token (${error.error}).`,
        'Make a fresh one at api.slack.com/apps → Your App Configuration Tokens (they last 12 hours) and pass it with --slack-config-token.',
      );
    throw new OperatorError(error.message, 'Fix what Slack named, then run npm run connect again.');
  }
}

const withoutBlank = (fields: Record<string, string>) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''));
