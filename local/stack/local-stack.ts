import { SFNClient } from '@aws-sdk/client-sfn';
import { HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createSlackApp } from '../../bots/slack/slack-app.js';
import { systemClock, type Clock } from '../../functions/core/clock.js';
import type { ClipbayConfig } from '../../functions/core/config.js';
import { requestFinder, type RerunDeps } from '../../functions/core/ingress/rerun-video.js';
import { discordPublicKey } from '../../bots/discord/signature.js';
import { startVideo } from '../../functions/core/ingress/start-video.js';
import { ChatNotifier } from '../../functions/core/notify/chat-notifier.js';
import { DiscordNotifier } from '../../functions/core/notify/discord-notifier.js';
import type { Notifier } from '../../functions/core/notify/notifier.js';
import { SlackNotifier } from '../../functions/core/notify/slack-notifier.js';
import { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import { connectS3, startLocalS3, type LocalS3 } from '../s3/local-s3.js';
import { TokenBaySimulator, type SimulatorOptions } from '../simulator/tokenbay-simulator.js';
import { LocalWorkflow } from '../workflow/local-workflow.js';
import { localStepHandlers } from '../workflow/local-steps.js';
import { stepFunctionsHandler } from '../workflow/step-functions-endpoint.js';
import { stateMachineDefinition, synthesizeTemplate } from '../workflow/synthesized-definition.js';
import { MAX_SLACK_BODY_BYTES } from '../../functions/core/ingress/slack-request-guard.js';
import { sendJson } from './http.js';
import { stackRoutes, STEP_FUNCTIONS_PATH, type Route } from './stack-routes.js';

export type { Route } from './stack-routes.js';
import { loadLocalKeys, type LocalKeys } from './local-keys.js';

const LOCAL_TOKENBAY_KEY = 'sk-local-simulator';

export interface LocalStackOptions {
  config: ClipbayConfig;
  /** More routes (the playground), in place before the server answers its first request. */
  extraRoutes?: (stack: LocalStack) => Route[];
  /** Where the Discord notifier sends edits, if not `config.discord.apiBase` (the playground's stand-in). */
  discordApiBase?: (url: string) => string;
  /** Where clips and local keys live (`./.clipbay`). */
  dataDir: string;
  /** Virtual time (tests, benchmarks): Wait and retry intervals shrink by `speed`. */
  clock?: Clock;
  speed?: number;
  simulator?: SimulatorOptions;
  /** Replace the chat notifier (tests of the workflow alone). */
  notifier?: Notifier;
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  port: number;
  s3: LocalS3;
  simulator: TokenBaySimulator | undefined;
  tokenBayUrl: string;
  workflow: LocalWorkflow;
  keys: LocalKeys;
  /** The Slack signing secret and Discord key in force (the user's own, or the local ones). */
  slackSigningSecret: string;
  discordPublicKeyHex: string;
  discordApplicationId: string;
  /** Whether a Slack Socket Mode connection is open (SLACK_APP_TOKEN set). */
  socketMode: 'off' | 'connected';
  close(): Promise<void>;
}

/**
 * Everything of DESIGN.md's "local stack" in one process: the HTTP server on PORT (Slack events
 * through Bolt's HTTP receiver, Discord interactions, share links, health, and a Step Functions
 * endpoint), the embedded S3 server, the synthesized state machine in the local interpreter, and
 * the TokenBay simulator unless TOKENBAY_API_KEY is set.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { config, dataDir } = options;
  const clock = options.clock ?? systemClock;
  const speed = options.speed ?? 1;
  const log = options.log ?? (() => undefined);
  const keys = await loadLocalKeys(dataDir);
  const slackSigningSecret = config.slack.signingSecret ?? keys.slackSigningSecret;
  const discordKeyHex = config.discord.publicKey ?? keys.discordPublicKeyHex;
  // With the local keys the application is the local one; with a real key, only a configured
  // DISCORD_APPLICATION_ID is enforced (the signature already proves who sent it).
  const discordApplicationId = config.discord.applicationId ?? keys.discordApplicationId;
  const enforcedApplicationId = config.discord.publicKey
    ? config.discord.applicationId
    : keys.discordApplicationId;

  // Listens first (share links need the URL); answers 503 until every part is up.
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) =>
    handle ? handle(req, res) : sendJson(res, 503, { ok: false, status: 'starting' }),
  );
  await listen(server, config.port);
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const closers: (() => Promise<void> | void)[] = [() => closeServer(server)];

  try {
    let simulator: TokenBaySimulator | undefined;
    let tokenBay: TokenBayClient;
    if (config.tokenBay.apiKey) {
      tokenBay = new TokenBayClient({ baseUrl: config.tokenBay.baseUrl, apiKey: config.tokenBay.apiKey });
    } else {
      simulator = new TokenBaySimulator({ generationSeconds: 20, clock, ...options.simulator });
      closers.push(() => simulator!.stop());
      tokenBay = new TokenBayClient({ baseUrl: await simulator.start(), apiKey: LOCAL_TOKENBAY_KEY });
    }

    const s3 = config.s3Endpoint
      ? await connectS3(config.s3Endpoint, config.videoBucket)
      : await startLocalS3({
          directory: join(dataDir, 's3'),
          bucket: config.videoBucket,
          preferredPort: config.port === 0 ? undefined : config.port + 1,
        });
    closers.push(() => s3.close());

    const notifier =
      options.notifier ??
      new ChatNotifier({
        slack: new SlackNotifier({ apiUrl: config.slack.apiUrl, botToken: config.slack.botToken, clock }),
        discord: new DiscordNotifier({
          apiBase: options.discordApiBase?.(url) ?? config.discord.apiBase,
          botToken: config.discord.botToken,
          clock,
        }),
      });

    const definition = stateMachineDefinition(
      synthesizeTemplate({ pollIntervalSeconds: config.pollIntervalSeconds }),
    );
    const workflow = new LocalWorkflow({
      definition,
      ...(speed === 1
        ? {}
        : { waitMs: (config.pollIntervalSeconds * 1000) / speed, retryIntervalMs: 2000 / speed }),
      handlers: localStepHandlers({
        tokenBay,
        s3: s3.client,
        notifier,
        bucket: config.videoBucket,
        clock,
        generationTimeoutSeconds: config.generationTimeoutSeconds,
        editTimeoutSeconds: config.editTimeoutSeconds,
        linkExpirySeconds: config.linkExpirySeconds,
        shareBaseUrl: `${url}/`,
        log,
      }),
    });
    closers.unshift(() => workflow.stopAll());

    const sfn = new SFNClient({
      endpoint: `${url}${STEP_FUNCTIONS_PATH}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const accept: RerunDeps = {
      findRequest: requestFinder(sfn, workflow.stateMachineArn),
      defaultModel: config.defaultModel,
      now: () => clock.now(),
      startVideo: (input) => startVideo({ sfn, stateMachineArn: workflow.stateMachineArn }, input),
    };

    const slackReceiver = new HTTPReceiver({
      signingSecret: slackSigningSecret,
      endpoints: '/slack/events',
      bodyLimit: MAX_SLACK_BODY_BYTES,
    });
    createSlackApp(slackReceiver, accept);
    let socketMode: 'off' | 'connected' = 'off';
    if (config.slack.appToken) {
      // A real workspace from a laptop with no public URL: the same listener over Socket Mode.
      const socket = new SocketModeReceiver({ appToken: config.slack.appToken });
      createSlackApp(socket, accept);
      await socket.start();
      closers.unshift(() => socket.stop());
      socketMode = 'connected';
    }

    const routes = stackRoutes({
      tokenBayMode: simulator ? 'simulator' : 'real',
      stepFunctions: stepFunctionsHandler(workflow),
      slack: slackReceiver,
      discord: {
        ...accept,
        publicKey: discordPublicKey(discordKeyHex),
        applicationId: enforcedApplicationId,
      },
      s3: s3.client,
      bucket: config.videoBucket,
    });

    const stack: LocalStack = {
      url,
      port,
      s3,
      simulator,
      tokenBayUrl: simulator?.url ?? config.tokenBay.baseUrl,
      workflow,
      keys,
      slackSigningSecret,
      discordPublicKeyHex: discordKeyHex,
      discordApplicationId,
      socketMode,
      close: async () => {
        for (const close of closers) await close();
      },
    };

    routes.push(...(options.extraRoutes?.(stack) ?? []));
    handle = (req, res) => {
      const path = new URL(req.url ?? '/', url).pathname;
      void (async () => {
        for (const route of routes) if (await route(req, res, path)) return;
        sendJson(res, 404, { error: `No route for ${req.method} ${path}` });
      })().catch((error: unknown) => {
        log(`request ${req.method} ${path} failed: ${(error as Error).message}`);
        if (!res.headersSent) sendJson(res, 500, { error: 'Internal error.' });
        else res.destroy();
      });
    };

    return stack;
  } catch (error) {
    for (const close of closers) await Promise.resolve(close()).catch(() => undefined);
    throw error;
  }
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
