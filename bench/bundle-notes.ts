import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Why each package that shows among a bundle's top contributors is there (bench/results.md lists
 * them under the bundle table). A contributor without an entry is reported as unexplained.
 */
export const CONTRIBUTOR_WHY: Record<string, string> = {
  '@smithy/core':
    "the AWS SDK's shared core (schemas, JSON and XML protocols, serde, the middleware stack), which every client uses; from its ES modules, so only what the clients call is kept",
  zod: 'parsing of the configuration, the secrets, video requests and TokenBay answers, in every function',
  '@slack/bolt':
    'the framework that answers the command (App, AwsLambdaReceiver). Its CommonJS index and App load every receiver, so their own code stays (about 30 KB); the packages only they use (@slack/socket-mode → undici, @slack/oauth, express → mime-db, raw-body → iconv-lite) are left out (LAMBDA_BUNDLING.leftOut)',
  '@aws-sdk/nested-clients':
    "the STS, SSO, SSO-OIDC and sign-in clients of the SDK's default credential chain. Lambda hands the role's keys over in the environment, so they are never called there; leaving them out takes a `credentials` option where functions/runtime makes its clients",
  '@slack/web-api':
    "Bolt's App makes a WebClient when constructed (the ingress); the notifying functions post through it",
  'clipbay (own code)': 'the handler and what it shares: grammar, usage ledger, messages, configuration',
  '@aws-sdk/core': "the SDK's AWS layer: SigV4 signing, the AWS JSON and query protocols, the user agent",
  'discord-api-types':
    "Discord's API enums and route builders: runtime values (the interaction and response types), not only types",
  undici:
    "in the notifying functions only: @discordjs/rest's own copy (its node_modules), the HTTP client of Discord's REST library. It is not on the ack path; Node 24's fetch could stand in for it, later",
  '@vladfrangu/async_event_emitter': "@discordjs/rest's event emitter (rate-limit events)",
  '@aws-sdk/client-s3': 'the S3 client: saving the clip, the share link, streaming the clip to chat',
  '@aws-sdk/client-dynamodb': 'the usage ledger table (the ingress writes the run and the day in the ack)',
  '@aws-sdk/client-sfn':
    'StartExecution (the ingress) and DescribeExecution (re-roll reads the request back)',
  '@aws-sdk/client-secrets-manager': 'the secrets (signing secret, keys, tokens), read through Powertools',
  '@aws-lambda-powertools/logger': 'structured JSON logs',
  '@smithy/signature-v4': 'SigV4 signing (and the presigned share links)',
  '@aws-sdk/checksums': "S3's request and response checksums",
};

/**
 * How long `require` of a bundle takes in a fresh Node process (median of `runs`): the part of a
 * Lambda's init that the bundle decides, on this machine.
 */
export async function loadMs(file: string, runs = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(
      process.execPath,
      [
        '-e',
        `const t = performance.now(); require(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`,
      ],
      { env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' } },
    );
    times.push(Number(stdout));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}
