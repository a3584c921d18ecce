import { createHmac, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { acceptCommand } from '../../../functions/core/ingress/accept-command.js';
import { parseCommandText } from '../../../functions/core/grammar/command-text.js';
import { PrivateAnswerError } from '../../../functions/core/errors.js';
import { lambdaConfig } from '../../../functions/runtime/lambda-config.js';
import { workflowIntake } from '../../../functions/runtime/workflow-intake.js';
import type { EchoReplyTarget, EchoSettings } from './echo-platform.js';

const commandSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  channelId: z.string().min(1),
  workspaceId: z.string().min(1),
  user: z.object({ id: z.string().min(1), name: z.string() }),
  text: z.string().max(4000),
  replyUrl: z.string().url(),
});

const answer = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** `POST /echo/commands`: verify the HMAC, parse the command with the shared grammar, start the run. */
export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const config = await lambdaConfig();
  // The registry this bundle was built with has Echo; the types tsc sees are the deployed ones.
  const echo = (config.chat as unknown as Record<string, EchoSettings | undefined>).echo;
  if (!echo?.sharedKey) return answer(503, { error: 'Echo is not configured.' });
  const body = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  const expected = createHmac('sha256', echo.sharedKey).update(body).digest();
  const given = Buffer.from(event.headers['x-echo-signature'] ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return answer(401, { error: 'Invalid signature.' });
  const command = commandSchema.safeParse(JSON.parse(body));
  if (!command.success) return answer(400, { error: 'Not an Echo command.' });
  const { id, channelId, workspaceId, user, text, replyUrl } = command.data;
  const intake = workflowIntake(config);
  try {
    const accepted = await acceptCommand(
      parseCommandText(text, { defaultModel: intake.defaultModel }),
      {
        id,
        replyTo: { platform: 'echo', channelId, workspaceId, replyUrl } satisfies EchoReplyTarget,
        requestedBy: user,
      },
      intake,
    );
    return answer(
      200,
      accepted.kind === 'private' ? { private: accepted.text } : { queued: accepted.request.prompt },
    );
  } catch (error) {
    if (error instanceof PrivateAnswerError) return answer(200, { private: error.message });
    throw error;
  }
};
