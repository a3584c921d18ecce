import { AwsLambdaReceiver } from '@slack/bolt';
import type { AwsEvent } from '@slack/bolt/dist/receivers/AwsLambdaReceiver.js';
import type { Context } from 'aws-lambda';
import { createSlackApp } from '../bots/slack/slack-app.js';
import { slackRequestProblem } from '../bots/slack/request-guard.js';
import { lambdaConfig, type LambdaConfig } from './runtime/lambda-config.js';
import { logger } from './runtime/logger.js';
import { workflowIntake } from './runtime/workflow-intake.js';

type BoltHandler = ReturnType<AwsLambdaReceiver['toHandler']>;
let bolt: { signingSecret: string; handler: BoltHandler } | undefined;

/** Bolt's Lambda handler for the signing secret in force (made again when the secret is rotated). */
function boltHandler(config: LambdaConfig, signingSecret: string): BoltHandler {
  if (bolt?.signingSecret !== signingSecret) {
    const receiver = new AwsLambdaReceiver({ signingSecret });
    createSlackApp(receiver, workflowIntake(config));
    bolt = { signingSecret, handler: receiver.toHandler() };
  }
  return bolt.handler;
}

/** `POST /slack/events` on the HTTP API: Bolt's Lambda receiver (verify, parse, ack). */
export const handler = async (event: AwsEvent, context: Context) => {
  const problem = slackRequestProblem(event, Date.now());
  if (problem) return { statusCode: problem.status, body: problem.reason };
  const config = await lambdaConfig();
  if (!config.chat.slack.signingSecret) {
    logger.error('Slack request refused: fill the Slack secret (SLACK_SECRET_ARN) to turn Slack on');
    return { statusCode: 503, body: 'clipbay: Slack is not configured.' };
  }
  return boltHandler(config, config.chat.slack.signingSecret)(event, context);
};
