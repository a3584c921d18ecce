import { AwsLambdaReceiver } from '@slack/bolt';
import type { AwsEvent } from '@slack/bolt/dist/receivers/AwsLambdaReceiver.js';
import type { Context } from 'aws-lambda';
import { createSlackApp } from '../bots/slack/slack-app.js';
import { ConfigError } from './core/errors.js';
import { slackRequestProblem } from './core/ingress/slack-request-guard.js';
import { lambdaConfig } from './runtime/lambda-config.js';
import { workflowIntake } from './runtime/workflow-intake.js';

type BoltHandler = ReturnType<AwsLambdaReceiver['toHandler']>;
let ready: Promise<BoltHandler> | undefined;

async function createHandler(): Promise<BoltHandler> {
  const config = await lambdaConfig();
  if (!config.slack.signingSecret)
    throw new ConfigError('SLACK_SIGNING_SECRET', 'is not set (fill the Slack secret)');
  const receiver = new AwsLambdaReceiver({ signingSecret: config.slack.signingSecret });
  createSlackApp(receiver, workflowIntake(config));
  return receiver.toHandler();
}

/** `POST /slack/events` on the HTTP API: Bolt's Lambda receiver (verify, parse, ack). */
export const handler = async (event: AwsEvent, context: Context) => {
  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
  );
  const bytes = event.body ? Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : 0;
  const problem = slackRequestProblem(
    headers['x-slack-request-timestamp'] as string | undefined,
    bytes,
    Date.now(),
  );
  if (problem) return { statusCode: problem.status, body: problem.reason };
  return (await (ready ??= createHandler()))(event, context);
};
