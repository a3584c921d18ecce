import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { ClipbayConfig } from '../../functions/core/config.js';
import type { LocalConfig } from './local-config.js';
import { REGISTRY_TSCONFIG_CONTEXT } from '../../infra/registry-tsconfig.js';
import { byPlatform, platformWords, type PlatformId } from '@clipbay/platforms';
import type { LocalSecretContext } from '../platforms/local-platform.js';
import { composeIntake } from '../../functions/core/ingress/compose-intake.js';
import type { RerunDeps } from '../../functions/core/ingress/rerun-video.js';
import { UsageLedger } from '../../functions/core/usage/usage-ledger.js';
import { EmulatedAccount } from '../account/emulated-account.js';
import { synthesize, type CloudAssembly } from '../account/synth.js';
import type { CloudFormationTemplate } from '../account/template.js';
import { connectS3, LOCAL_S3_CREDENTIALS, startLocalS3, type LocalS3 } from '../s3/local-s3.js';
import { TokenBaySimulator, type SimulatorOptions } from '../simulator/tokenbay-simulator.js';
import { hostCheck } from '../security/host-check.js';
import {
  startSocketModeLink,
  type SocketModeLink,
  type SocketModeState,
} from '../socket/socket-mode-link.js';
import { closeServer, listenOnLoopback, sendJson } from '../http/http-helpers.js';
import { router, type Route } from '../http/router.js';
import { loadLocalKeys, type LocalKeys } from './local-keys.js';
import { fillSecrets } from './local-secrets.js';
import { writeAwsProfile } from './aws-profile.js';
import { LOCAL_PLATFORMS, PLATFORM_IDS } from '../platforms/local-platforms.js';

export type { Route } from '../http/router.js';

const LOCAL_TOKENBAY_KEY = 'sk-local-simulator';

export interface LocalStackOptions {
  config: LocalConfig;
  /** More routes (the playground), in place before the server answers its first request. */
  extraRoutes?: (stack: LocalStack) => Route[];
  /** Where the Discord notifier sends edits, if not `config.chat.discord.apiBase` (the playground's stand-in). */
  discordApiBase?: (url: string) => string;
  /**
   * The Slack Web API to answer through when no Slack app is configured (the playground's stand-in),
   * with the bot token the local Slack secret gets for it.
   */
  slackApi?: { url: (url: string) => string; botToken: string };
  /** Where clips and local keys live (`./.clipbay`). */
  dataDir: string;
  simulator?: SimulatorOptions;
  /** Host names to answer besides loopback (CLIPBAY_ALLOWED_HOSTS). */
  allowedHosts?: readonly string[];
  /** Which platforms' secrets to fill (default both): try a single-platform team. */
  platforms?: PlatformId[];
  /** Virtual time for tests: every Wait state and retry interval takes this many ms. */
  waitMs?: number;
  retryIntervalMs?: number;
  /** Lambda's concurrency quota of the emulated account (default: a new account's). */
  accountConcurrency?: number;
  /** Run a changed copy of the template (tests that remove a grant). */
  editTemplate?: (template: CloudFormationTemplate) => CloudFormationTemplate;
  /**
   * Tests that register a platform of their own: the tsconfig (relative to the project root)
   * whose `paths` name their registry; the stack is synthesized and bundled with it.
   */
  registryTsconfig?: string;
  log?: (line: string) => void;
  /** Every line a Lambda prints, with the function's logical id. */
  onFunctionLog?: (functionName: string, line: string) => void;
}

export interface LocalStack {
  url: string;
  port: number;
  /** The emulated AWS account running the synthesized template. */
  account: EmulatedAccount;
  /** An AWS config file with the `clipbay-local` profile: the AWS CLI as the account's operator. */
  awsConfigFile: string;
  /** The account's state machine (its executions). */
  workflow: EmulatedAccount['workflow'];
  assembly: CloudAssembly;
  /** The S3-compatible server behind the account's S3 (embedded, or the user's S3_ENDPOINT). */
  s3: LocalS3;
  simulator: TokenBaySimulator | undefined;
  tokenBayUrl: string;
  keys: LocalKeys;
  /** The Slack signing secret and Discord key in force (the user's own, or the local ones). */
  slackSigningSecret: string;
  discordPublicKeyHex: string;
  discordApplicationId: string;
  platforms: PlatformId[];
  /**
   * The Slack Socket Mode connection (SLACK_APP_TOKEN set), live: it starts in the background, so
   * the stack is up while it is still `connecting` (or while Slack cannot be reached).
   */
  readonly socketMode: SocketModeState;
  close(): Promise<void>;
}

/**
 * `npm start`: the synthesized template running in an emulated AWS account on this machine. The
 * HTTP server on PORT serves the template's HTTP API routes (Slack events, Discord interactions,
 * share links) as payload 2.0 events to the Lambda bundles, plus health and the playground; the
 * account's AWS endpoint (S3, Secrets Manager, Step Functions, DynamoDB) listens on PORT+1 when free; the
 * TokenBay simulator stands in unless TOKENBAY_API_KEY is set.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { config, dataDir } = options;
  const log = options.log ?? (() => undefined);
  const keys = await loadLocalKeys(dataDir);
  const slackSigningSecret = config.chat.slack.signingSecret ?? keys.slackSigningSecret;
  const discordKeyHex = config.chat.discord.publicKey ?? keys.discordPublicKeyHex;
  const discordApplicationId = config.chat.discord.applicationId ?? keys.discordApplicationId;
  const platforms = options.platforms ?? [...PLATFORM_IDS];

  // Listens first (the template's API endpoint is this URL); answers 503 until every part is up.
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let hostAllowed: ReturnType<typeof hostCheck> = () => true;
  const server = createServer((req, res) => {
    if (!hostAllowed(req, res)) return;
    if (handle) handle(req, res);
    else sendJson(res, 503, { ok: false, status: 'starting' });
  });
  const port = await listenOnLoopback(server, config.port);
  hostAllowed = hostCheck(port, options.allowedHosts ?? []);
  const url = `http://127.0.0.1:${port}`;
  const closers: (() => Promise<void> | void)[] = [() => closeServer(server)];

  try {
    const assembly = await synthesize({
      ...config.deploySettings,
      ...(options.registryTsconfig ? { [REGISTRY_TSCONFIG_CONTEXT]: options.registryTsconfig } : {}),
      // With the local keys the application is the local one; with a real key, only a configured
      // DISCORD_APPLICATION_ID is enforced (the signature already proves who sent it).
      ...((config.chat.discord.publicKey ? config.chat.discord.applicationId : keys.discordApplicationId)
        ? {
            DISCORD_APPLICATION_ID: (config.chat.discord.publicKey
              ? config.chat.discord.applicationId
              : keys.discordApplicationId)!,
          }
        : {}),
    });
    log(
      assembly.synthesized
        ? `synthesized the stack and bundled its functions in ${assembly.seconds.toFixed(1)} s`
        : `reused the synthesized stack (sources unchanged)`,
    );

    let simulator: TokenBaySimulator | undefined;
    if (!config.tokenBay.apiKey) {
      simulator = new TokenBaySimulator({ generationSeconds: 20, ...options.simulator });
      await simulator.start();
      closers.push(() => simulator!.stop());
    }
    const tokenBayUrl = simulator?.url ?? config.tokenBay.baseUrl;

    const s3 = config.s3Endpoint
      ? await connectS3(config.s3Endpoint, config.videoBucket)
      : await startLocalS3({ directory: join(dataDir, 's3'), bucket: config.videoBucket });
    closers.push(() => s3.close());

    const template = options.editTemplate?.(structuredClone(assembly.template)) ?? assembly.template;
    const account = await EmulatedAccount.start({
      assembly,
      template,
      videoBucket: config.videoBucket,
      apiEndpoint: url,
      s3Backend: {
        endpoint: s3.endpoint,
        region: process.env.AWS_REGION ?? 'us-east-1',
        keys: s3.embedded ? LOCAL_S3_CREDENTIALS : await userS3Keys(),
      },
      // connect and doctor check the TokenBay key where the functions call it.
      outputsServedOutside: { TokenBayBaseUrl: 'TOKENBAY_BASE_URL' },
      outsideWorld: {
        TOKENBAY_BASE_URL: tokenBayUrl,
        SLACK_API_URL: options.slackApi?.url(url) ?? config.chat.slack.apiUrl,
        DISCORD_API_BASE: options.discordApiBase?.(url) ?? config.chat.discord.apiBase,
      },
      endpointPort: config.port === 0 ? 0 : await freeOrAny(config.port + 1),
      allowedHosts: options.allowedHosts ?? [],
      ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }),
      ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
      ...(options.accountConcurrency === undefined ? {} : { accountConcurrency: options.accountConcurrency }),
      onFunctionLog: options.onFunctionLog,
      log,
    });
    closers.unshift(() => account.close());
    const awsConfigFile = await writeAwsProfile(account, dataDir);

    fillSecrets(
      account,
      config.tokenBay.apiKey ?? LOCAL_TOKENBAY_KEY,
      byPlatform((platform) =>
        platforms.includes(platform.id)
          ? (
              LOCAL_PLATFORMS[platform.id].secretValue as (
                settings: unknown,
                context: LocalSecretContext,
              ) => Record<string, string>
            )(config.chat[platform.id], { keys, standInBotToken: options.slackApi?.botToken })
          : undefined,
      ),
    );

    let socketMode: SocketModeLink | undefined;
    const stack: LocalStack = {
      url,
      port,
      account,
      awsConfigFile,
      workflow: account.workflow,
      assembly,
      s3,
      simulator,
      tokenBayUrl,
      keys,
      slackSigningSecret,
      discordPublicKeyHex: discordKeyHex,
      discordApplicationId,
      platforms,
      get socketMode() {
        return socketMode?.state ?? 'off';
      },
      close: async () => {
        for (const close of closers) await close();
      },
    };

    const routes: Route[] = [
      (_req, res, path) => {
        if (path !== '/healthz') return false;
        sendJson(res, 200, {
          ok: true,
          tokenBay: simulator ? 'simulator' : 'real',
          functions: account.functions.size,
          socketMode: stack.socketMode,
        });
        return true;
      },
      ...(options.extraRoutes?.(stack) ?? []),
      (req, res) => account.httpApi.handle(req, res),
    ];
    handle = router(routes, log);

    if (config.chat.slack.appToken) {
      // A real workspace from a laptop with no public URL: the same listeners over Socket Mode,
      // starting executions on the account's state machine as the operator. In the background:
      // the stack is up whether or not Slack can be reached; the log says when it connects.
      socketMode = startSocketModeLink({
        appToken: config.chat.slack.appToken,
        slackApiUrl: config.chat.slack.apiUrl,
        botToken: config.chat.slack.botToken,
        deps: operatorIntake(account, config, `${url}/`),
        log,
      });
      closers.unshift(() => socketMode!.close());
    }
    return stack;
  } catch (error) {
    for (const close of closers) await Promise.resolve(close()).catch(() => undefined);
    throw error;
  }
}

/**
 * Starting executions as the operator (the Socket Mode runner lives outside the template), behind
 * the same limits and ledger as the ingress Lambdas.
 */
export function operatorIntake(
  account: EmulatedAccount,
  config: ClipbayConfig,
  /** Where share links live (the HTTP API's URL), for `/video history`. */
  shareBaseUrl: string,
): RerunDeps {
  const sfn = new SFNClient({ ...account.operatorClientConfig(), maxAttempts: 1 });
  const stateMachineArn = account.stateMachineArn;
  const [table] = account.dynamoDb.tableNames;
  const ledger = table
    ? new UsageLedger(new DynamoDBClient({ ...account.operatorClientConfig(), maxAttempts: 2 }), table)
    : undefined;
  return composeIntake({ ...config, shareBaseUrl }, { sfn, stateMachineArn, ledger }, platformWords);
}

/** The user's own credentials for their S3_ENDPOINT, from the usual AWS environment and files. */
async function userS3Keys() {
  const client = new S3Client({});
  try {
    return await client.config.credentials();
  } finally {
    client.destroy();
  }
}

function freeOrAny(port: number): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(0));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(port)));
  });
}
