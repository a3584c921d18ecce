import { execFile } from 'node:child_process';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prompter, Question } from '../../ops/answers.js';
import { runConnect } from '../../ops/connect.js';
import { runDoctor } from '../../ops/doctor.js';
import { SLACK_BOT_SCOPES } from '../../bots/slack/slack-scopes.js';
import { clipbayCommands } from '../../bots/discord/discord-commands.js';
import { FakeDiscordApplication } from '../../local/simulator/fake-discord-application.js';
import { FakeSlackApps } from '../../local/simulator/fake-slack-apps.js';
import { discordInteraction, videoCommandData } from '../../local/stack/discord-interaction.js';
import { discordHeaders, slackHeaders } from '../../local/stack/request-signing.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { startStackWithFakeChat, type StackWithFakeChat } from '../helpers/local-stack-harness.js';

const ALL_SCOPES = SLACK_BOT_SCOPES.map((s) => s.scope);
/** The key the simulator takes; the stack starts with another, which TokenBay refuses. */
const GOOD_KEY = 'sk-team-key-1';

/**
 * `npm run connect` and `npm run doctor` (issue 27) against the emulated account running the real
 * template, with fake Slack and Discord APIs that answer as the real ones do: Slack's app
 * management and auth.test (scopes in x-oauth-scopes), Discord's application endpoints, which check
 * a new Interactions Endpoint URL with a signed PING through the stack's HTTP API. The stack starts
 * as a fresh deploy does: no chat secret filled, and a TokenBay key TokenBay refuses.
 */
describe('connect and doctor, through the emulated account', () => {
  let running: StackWithFakeChat;
  let slack: FakeSlackApps;
  let discord: FakeDiscordApplication;
  let secretsClient: SecretsManagerClient;
  let env: Record<string, string>;

  const run = async (
    command: typeof runConnect,
    argv: string[],
    prompter?: Prompter,
  ): Promise<{ code: number; text: string }> => {
    const out: string[] = [];
    const code = await command({ argv: ['--local', ...argv], env, prompter, out: (line) => out.push(line) });
    return { code, text: out.join('\n') };
  };
  const secret = async (outputFragment: string) => {
    const id = running.stack.account.secrets.arnOf(outputFragment);
    const { SecretString, VersionId } = await secretsClient.send(new GetSecretValueCommand({ SecretId: id }));
    return { value: SecretString ?? '', version: VersionId };
  };
  const requestUrl = (path: string) => `${running.stack.url}${path}`;

  beforeAll(async () => {
    running = await startStackWithFakeChat({}, { generationSeconds: 1, apiKey: GOOD_KEY }, { platforms: [] });
    slack = new FakeSlackApps(running.chat);
    discord = new FakeDiscordApplication(running.chat);
    secretsClient = new SecretsManagerClient(running.stack.account.operatorClientConfig());
    env = {
      CLIPBAY_DATA_DIR: dirname(running.stack.awsConfigFile),
      SLACK_API_URL: `${running.chat.url}/slack/api/`,
      DISCORD_API_BASE: `${running.chat.url}/discord/api`,
    };
  }, 120_000);
  afterAll(async () => {
    secretsClient?.destroy();
    await running?.close();
  });

  it('doctor on a fresh deploy: each unfilled part fails with its fix', async () => {
    const { code, text } = await run(runDoctor, []);
    expect(code).toBe(1);
    expect(text).toContain('✗ TokenBay key: refused by TokenBay (HTTP 401)');
    expect(text).toMatch(/✗ Slack secret: not filled\n\s+→ npm run connect/);
    expect(text).toMatch(/✗ Discord secret: not filled\n\s+→ npm run connect -- --discord-bot-token=…/);
    expect(text).toContain('✔ Last 20 executions (none yet)');
  });

  it('refuses wrong credentials, names a missing scope, and writes nothing', async () => {
    const before = await Promise.all(['TokenBay', 'Slack', 'Discord'].map(secret));
    const partial = slack.install(ALL_SCOPES.filter((s) => s !== 'files:write'));
    const { code, text } = await run(runConnect, [
      '--tokenbay-api-key=sk-wrong',
      `--slack-signing-secret=${'a'.repeat(32)}`,
      `--slack-bot-token=${partial}`,
      '--discord-bot-token=bad.bot.token',
    ]);
    expect(code).toBe(1);
    expect(text).toContain('✗ TokenBay: TokenBay refused the key (HTTP 401); nothing was written.');
    expect(text).toContain(
      '✗ Slack: Slack scopes: missing files:write (uploading each clip so it plays in the channel (else a link only)).',
    );
    expect(text).toContain('✗ Discord: Discord refused the bot token (401).');
    expect(text).not.toContain('sk-wrong');
    expect(text).not.toContain(partial);

    // A configuration token never makes a new app over one set up by hand.
    const overHandMade = await run(runConnect, [
      '--only=slack',
      `--slack-signing-secret=${'a'.repeat(32)}`,
      `--slack-config-token=${slack.issueConfigToken()}`,
    ]);
    expect(overHandMade.text).toContain('✗ Slack: The Slack secret holds an app set up by hand');
    expect(slack.apps.size).toBe(0);
    // A token pasted without its flag is not echoed back.
    await expect(run(runConnect, ['xoxb-pasted-by-mistake'])).rejects.toThrow(
      'An argument without a flag was given (not shown, in case it is a secret).',
    );

    const wrongToken = await run(runConnect, [
      '--only=slack',
      `--slack-signing-secret=${'a'.repeat(32)}`,
      '--slack-bot-token=xoxb-nope',
    ]);
    expect(wrongToken.text).toContain('✗ Slack: Slack bot token: refused by Slack (invalid_auth).');
    expect(await Promise.all(['TokenBay', 'Slack', 'Discord'].map(secret))).toEqual(before);
  });

  it('creates the Slack app from the manifest, asks for the bot token after the install link, and connects Discord', async () => {
    // Discord rotated from another application: the ingress is warm with the old key (cached 5 minutes).
    const { keys } = running.stack;
    running.stack.account.secrets.put(
      running.stack.account.secrets.arnOf('DiscordSecrets'),
      JSON.stringify({ publicKey: keys.discordPublicKeyHex, botToken: '' }),
    );
    const warm = JSON.stringify(
      discordInteraction({ id: '1', applicationId: keys.discordApplicationId, data: {}, type: 1 }),
    );
    const pong = await fetch(requestUrl('/discord/interactions'), {
      method: 'POST',
      headers: discordHeaders(keys.discordPrivateKey, warm),
      body: warm,
    });
    expect(await pong.json()).toEqual({ type: 1 });

    const asked: string[] = [];
    const person: Prompter = {
      confirm: async () => true,
      ask: async (question: Question) => {
        asked.push(question.flag);
        if (question.flag === 'slack-config-token') return slack.issueConfigToken();
        // The person clicks the install link, then pastes the bot token.
        if (question.flag === 'slack-bot-token') return slack.install(ALL_SCOPES);
        if (question.flag === 'tokenbay-api-key') return GOOD_KEY;
        if (question.flag === 'discord-bot-token') return discord.botToken;
        throw new Error(`asked ${question.flag}`);
      },
    };
    const first = await run(runConnect, [], person);
    const [made] = [...slack.apps.values()];
    for (const secretValue of [made!.signingSecret, discord.botToken, ...slack.tokens.keys()])
      expect(first.text).not.toContain(secretValue);
    expect(asked).toEqual(['tokenbay-api-key', 'slack-config-token', 'slack-bot-token', 'discord-bot-token']);
    expect(first.text).toMatch(/Slack: Created the Slack app A\d+; its signing secret is in the stack/);
    expect(first.text).toMatch(
      /Install it to your workspace: https:\/\/slack\.com\/oauth\/v2\/authorize\?client_id=/,
    );
    expect(first.text).toContain('✔ TokenBay');
    expect(first.text).toContain('✔ Slack');
    // The warm ingress still verifies with the old application's key: Discord's PING fails.
    expect(discord.lastVerification).toEqual({ good: 401, bad: 401 });
    expect(first.text).toContain(
      '✗ Discord: Discord refused ' +
        requestUrl('/discord/interactions') +
        ' as the Interactions Endpoint URL: The specified interactions endpoint url could not be verified.',
    );
    expect(first.code).toBe(1);

    const [app] = [...slack.apps.values()];
    expect(app!.manifest).toMatchObject({
      features: { slash_commands: [{ command: '/video', url: requestUrl('/slack/events') }] },
      settings: { interactivity: { request_url: requestUrl('/slack/events') } },
      oauth_config: { scopes: { bot: ALL_SCOPES } },
    });
    expect(JSON.parse((await secret('Slack')).value)).toEqual({
      signingSecret: app!.signingSecret,
      appId: app!.appId,
      botToken: expect.stringMatching(/^xoxb-/),
    });
    // The Discord secret already holds the new key, whole.
    expect(JSON.parse((await secret('Discord')).value)).toEqual({
      publicKey: discord.publicKeyHex,
      botToken: discord.botToken,
      applicationId: discord.id,
    });
    expect(first.text).toContain('a warm function may use the previous one for up to 5 minutes');

    // Once the old key has aged out of the ingress (here: a new container), a rerun finishes.
    running.stack.account.fn('DiscordInteractionsFn').stop();
    const second = await run(runConnect, ['--guild=123456789012345678']);
    expect(second.code).toBe(0);
    expect(second.text).toContain('Discord: Discord now sends interactions to');
    expect(second.text).toContain('Registered /video, “Animate” (message menu) in server 123456789012345678');
    expect(second.text).toContain(
      `Add the bot to your server: https://discord.com/oauth2/authorize?client_id=${discord.id}&scope=bot+applications.commands&permissions=274877959168`,
    );
    expect(discord.interactionsEndpointUrl).toBe(requestUrl('/discord/interactions'));
    expect(discord.lastVerification).toEqual({ good: 200, bad: 401 });
    expect(
      discord.commands.get(`/applications/${discord.id}/guilds/123456789012345678/commands`),
    ).toHaveLength(clipbayCommands().length);
  });

  it('a rerun changes nothing: no secret version, no app, no registration', async () => {
    const before = await Promise.all(['TokenBay', 'Slack', 'Discord'].map(secret));
    const requests = running.chat.requests.length;
    const { code, text } = await run(runConnect, ['--guild=123456789012345678']);
    expect(code).toBe(0);
    expect(text).toContain('TokenBay: The TokenBay key in the stack is accepted');
    expect(text).toContain('Slack: The Slack secret already held these values');
    expect(text).toContain('Discord: The commands are current in server 123456789012345678');
    expect(await Promise.all(['TokenBay', 'Slack', 'Discord'].map(secret))).toEqual(before);
    const made = running.chat.requests.slice(requests).map((r) => `${r.method} ${r.path}`);
    expect(made.filter((r) => /manifest\.create|PUT|PATCH/.test(r))).toEqual([]);
  });

  it('after connect, /video from Slack and from Discord delivers a clip', async () => {
    const [app] = [...slack.apps.values()];
    const body = slackCommandBody({
      text: 'a corgi surfing --duration 4',
      triggerId: 'connect.slack.1',
      responseUrl: `${running.chat.url}/hooks/connect.slack.1`,
    });
    const ack = await fetch(requestUrl('/slack/events'), {
      method: 'POST',
      headers: slackHeaders(app!.signingSecret, body),
      body,
    });
    expect(ack.status).toBe(200);

    const interaction = discordInteraction({
      id: '777000000000000001',
      applicationId: discord.id,
      data: videoCommandData([{ name: 'prompt', type: 3, value: 'a kite over a beach --duration 4' }]),
      guildId: '123456789012345678',
    });
    const raw = JSON.stringify(interaction);
    const deferred = await fetch(requestUrl('/discord/interactions'), {
      method: 'POST',
      headers: discordHeaders(discord.privateKey, raw),
      body: raw,
    });
    expect(((await deferred.json()) as { type: number }).type).toBe(5);

    await running.stack.account.settle();
    const runs = running.stack.workflow.list();
    expect(
      runs.filter((e) => e.name === 'connect.slack.1' || e.name === interaction.id).map((e) => e.status),
    ).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const upload = running.chat.to('/slack/api/files.completeUploadExternal').at(-1)!;
    expect(upload.headers.authorization).toBe(`Bearer ${JSON.parse((await secret('Slack')).value).botToken}`);
    const edits = running.chat.to(`/webhooks/${discord.id}/token-${interaction.id}/messages/@original`);
    expect(edits.at(-1)!.files[0]!.bytes!.equals(running.stack.simulator!.video.bytes())).toBe(true);
  });

  it('doctor: every check passes once connected', async () => {
    // No --guild: doctor checks the server connect registered the commands in.
    const { code, text } = await run(runDoctor, [`--slack-config-token=${slack.issueConfigToken()}`]);
    expect(text).not.toContain('✗');
    expect(text).toContain('✔ TokenBay key');
    expect(text).toContain(`✔ Slack request URL (${requestUrl('/slack/events')})`);
    expect(text).toContain('✔ Slack scopes');
    expect(text).toContain('✔ Discord signed PING');
    expect(text).toContain('✔ Discord route (reachable, and an unsigned request is refused)');
    expect(text).toContain('✔ Discord commands (current in server 123456789012345678)');
    expect(text).toMatch(/✔ Last 20 executions \(2 succeeded\)/);
    // A quiet stack's alarms have no data yet, which is not a fault.
    expect(text).toMatch(/✔ Alarms \(\d+: \d+ insufficient data\)/);
    expect(code).toBe(0);
  });

  it('doctor catches each seeded fault, with its fix', async () => {
    const configToken = slack.issueConfigToken();
    const [app] = [...slack.apps.values()];
    const botToken = JSON.parse((await secret('Slack')).value).botToken as string;
    // A scope removed from the install, a stale command, the endpoint moved, the Slack app pointed elsewhere.
    slack.tokens.set(botToken, {
      token: botToken,
      scopes: ALL_SCOPES.filter((s) => s !== 'chat:write.public'),
    });
    const scope = `/applications/${discord.id}/guilds/123456789012345678/commands`;
    discord.commands.set(scope, [
      { ...discord.commands.get(scope)![0]!, description: 'an older description' },
    ]);
    discord.interactionsEndpointUrl = 'https://old-stack.example.com/discord/interactions';
    // An app from before Animate: pointed at an old stack, without the shortcut or files:read.
    app!.manifest = {
      ...app!.manifest,
      features: {
        slash_commands: [{ command: '/video', url: 'https://old-stack.example.com/slack/events' }],
      },
      oauth_config: { scopes: { bot: ALL_SCOPES.filter((s) => s !== 'files:read') } },
      settings: { interactivity: { request_url: 'https://old-stack.example.com/slack/events' } },
    };
    // A revoked TokenBay key, and a run that failed on it.
    running.stack.account.secrets.put(
      running.stack.account.secrets.arnOf('TokenBay'),
      JSON.stringify({ apiKey: 'sk-revoked' }),
    );
    running.stack.account.fn('SubmitFn').stop(); // a new container reads the revoked key at once
    const body = slackCommandBody({
      text: 'a run that fails --duration 4',
      triggerId: 'connect.slack.fail',
      responseUrl: `${running.chat.url}/hooks/connect.slack.fail`,
    });
    await fetch(requestUrl('/slack/events'), {
      method: 'POST',
      headers: slackHeaders(app!.signingSecret, body),
      body,
    });
    await running.stack.account.settle();

    const { code, text } = await run(runDoctor, [
      '--guild=123456789012345678',
      `--slack-config-token=${configToken}`,
    ]);
    expect(code).toBe(1);
    expect(text).toMatch(
      /✗ TokenBay key: refused by TokenBay \(HTTP 401\)\n\s+→ Make a key in your TokenBay dashboard/,
    );
    expect(text).toMatch(
      /✗ Slack scopes: missing chat:write\.public \(posting in public channels the bot was never invited to\)\n\s+→ Add them under OAuth & Permissions/,
    );
    expect(text).toMatch(
      /✗ Slack request URL: the app sends to https:\/\/old-stack\.example\.com\/slack\/events.*\n\s+→ npm run connect -- --slack-config-token/,
    );
    expect(text).toMatch(
      /✗ Discord endpoint URL: Discord sends to https:\/\/old-stack\.example\.com\/discord\/interactions.*\n\s+→ npm run connect/,
    );
    expect(text).toMatch(
      /✗ Discord commands: the registered definitions differ.*\n\s+→ npm run discord:register/,
    );
    expect(text).toMatch(
      /✗ Last 20 executions: 2 succeeded, 1 failed; newest failed: connect\.slack\.fail \(/,
    );
    expect(text).toMatch(
      /AWS_CONFIG_FILE=\S+aws-config aws --profile clipbay-local stepfunctions get-execution-history --execution-arn arn:/,
    );
    expect(text).toMatch(
      /✗ Slack app manifest: its shortcuts and scopes differ from this version’s\n\s+→ npm run connect -- --slack-config-token/,
    );
    expect(text).not.toContain('sk-revoked');
    expect(text).not.toContain(botToken);

    // connect with a configuration token brings the app it made up to date, and says to reinstall.
    const updated = await run(runConnect, ['--only=slack', `--slack-config-token=${configToken}`]);
    expect(updated.text).toContain(`Slack app ${app!.appId} updated: request URLs, shortcuts, scopes`);
    expect(updated.text).toContain(`Reinstall the Slack app so it gets its new scopes`);
    expect(app!.manifest).toMatchObject({
      display_information: { name: 'clipbay' },
      features: { shortcuts: [{ callback_id: 'clipbay_animate', type: 'message' }] },
      oauth_config: { scopes: { bot: ALL_SCOPES } },
      settings: { interactivity: { request_url: requestUrl('/slack/events') } },
    });

    // An unfilled secret, as the stack first creates it.
    running.stack.account.secrets.put(
      running.stack.account.secrets.arnOf('SlackSecrets'),
      JSON.stringify({ signingSecret: '', botToken: '' }),
    );
    const unfilled = await run(runDoctor, ['--only=slack']);
    expect(unfilled.text).toMatch(/✗ Slack secret: not filled\n\s+→ npm run connect/);
  });

  it('npm run doctor as a process: the same lines, and a non-zero exit', async () => {
    const result = await promisify(execFile)('npx', ['tsx', 'ops/doctor.ts', '--local', '--only=discord'], {
      env: { ...process.env, ...env },
    }).catch((error: { code: number; stdout: string }) => error);
    expect('code' in result ? result.code : 0).toBe(1);
    expect(result.stdout).toContain('✗ Discord endpoint URL');
  }, 60_000);
});
