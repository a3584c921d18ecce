import type { S3Client } from '@aws-sdk/client-s3';
import type { HTTPReceiver } from '@slack/bolt';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  handleDiscordInteraction,
  MAX_INTERACTION_BYTES,
  type DiscordInteractionDeps,
} from '../../bots/discord/interactions-handler.js';
import { slackRequestProblem } from '../../functions/core/ingress/slack-request-guard.js';
import { shareRedirect } from '../../functions/core/storage/share-redirect.js';
import { header, readBody, sendJson } from './http.js';

/** A request handler that answers and returns true, or returns false to pass. */
export type Route = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean> | boolean;

export const STEP_FUNCTIONS_PATH = '/_aws/stepfunctions';

export interface StackRouteDeps {
  tokenBayMode: 'simulator' | 'real';
  stepFunctions: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  slack: HTTPReceiver;
  discord: DiscordInteractionDeps;
  s3: S3Client;
  bucket: string;
}

/**
 * The local stack's endpoints of DESIGN.md: health, Slack events (through Bolt's receiver, behind
 * the same guard as the Lambda), Discord interactions, share links, and the Step Functions API.
 */
export function stackRoutes(deps: StackRouteDeps): Route[] {
  return [
    (_req, res, path) => {
      if (path !== '/healthz') return false;
      sendJson(res, 200, { ok: true, tokenBay: deps.tokenBayMode });
      return true;
    },
    (req, res, path) => {
      if (!path.startsWith(STEP_FUNCTIONS_PATH)) return false;
      void deps.stepFunctions(req, res);
      return true;
    },
    (req, res, path) => {
      if (path !== '/slack/events') return false;
      const problem = slackRequestProblem(
        header(req, 'x-slack-request-timestamp'),
        Number(header(req, 'content-length') ?? 0),
        Date.now(),
      );
      if (problem) sendJson(res, problem.status, { error: problem.reason });
      else deps.slack.requestListener(req, res);
      return true;
    },
    async (req, res, path) => {
      if (path !== '/discord/interactions' || req.method !== 'POST') return false;
      const body = await readBody(req, MAX_INTERACTION_BYTES);
      if (body === undefined) {
        sendJson(res, 413, { error: 'Body too large.' });
        return true;
      }
      const answer = await handleDiscordInteraction(
        {
          rawBody: body,
          signature: header(req, 'x-signature-ed25519'),
          timestamp: header(req, 'x-signature-timestamp'),
        },
        deps.discord,
      );
      sendJson(res, answer.status, answer.body);
      return true;
    },
    async (req, res, path) => {
      const match = /^\/v\/([^/]*)$/.exec(path);
      if (!match || req.method !== 'GET') return false;
      const answer = await shareRedirect(deps.s3, deps.bucket, decodeURIComponent(match[1]!));
      res.writeHead(answer.statusCode, answer.headers).end(answer.body);
      return true;
    },
  ];
}
