import { AwsLambdaReceiver } from '@slack/bolt';
import type { AwsEvent } from '@slack/bolt/dist/receivers/AwsLambdaReceiver.js';
import type { Context } from 'aws-lambda';
import { createSlackApp } from '../bots/slack/slack-ingress.js';
import { slackPlatform } from '../bots/slack/slack-platform.js';
import { slackRequestProblem } from '../bots/slack/slack-request-check.js';
import { lambdaConfig, type LambdaConfig } from './runtime/lambda-config.js';
import { logger } from './runtime/logger.js';
import { measuredIngress } from './runtime/metrics.js';
import { remembered } from './runtime/remembered.js';
import { workflowIntake } from './runtime/workflow-intake.js';

/** Bolt's Lambda handler for the configuration in force (made again when the secret is rotated). */
const boltHandler = remembered(
  ({ config, signingSecret }: { config: LambdaConfig; signingSecret: string }) => {
    const receiver = new AwsLambdaReceiver({ signingSecret });
    createSlackApp(receiver, workflowIntake(config), {
      botToken: config.chat.slack.botToken,
      apiUrl: config.chat.slack.apiUrl,
      fileHosts: slackPlatform.files.hosts(config.chat.slack),
    });
    return receiver.toHandler();
  },
);

/** `POST /slack/events` on the HTTP API: Bolt's Lambda receiver (verify, parse, ack), timed as AckLatency. */
export const handler = measuredIngress(slackPlatform.id, async (event: AwsEvent, context: Context) => {
  const problem = slackRequestProblem(event, Date.now());
  if (problem) return { statusCode: problem.status, body: problem.reason };
  const config = await lambdaConfig();
  if (!config.chat.slack.signingSecret) {
    logger.error('Slack request refused: fill the Slack secret (SLACK_SECRET_ARN) to turn Slack on');
    return { statusCode: 503, body: 'clipbay: Slack is not configured.' };
  }
  return boltHandler({ config, signingSecret: config.chat.slack.signingSecret })(event, context);
});
