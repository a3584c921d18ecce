/**
 * Baseline for the ingress benchmark, bundled and invoked exactly like the real handlers: only
 * verify the request signature and answer (see baseline-floor.ts for verify + StartExecution).
 */
import { createHmac, createPublicKey, timingSafeEqual, verify } from 'node:crypto';

type Event = { headers: Record<string, string | undefined>; body?: string };

export const slackBaseline = async (event: Event) => {
  const body = event.body ?? '';
  const timestamp = event.headers['x-slack-request-timestamp'] ?? '';
  const expected = Buffer.from(
    `v0=${createHmac('sha256', process.env.SLACK_SIGNING_SECRET!).update(`v0:${timestamp}:${body}`).digest('hex')}`,
  );
  const given = Buffer.from(event.headers['x-slack-signature'] ?? '');
  const ok = given.length === expected.length && timingSafeEqual(given, expected);
  return { statusCode: ok ? 200 : 401, body: ok ? '{"text":"ok"}' : '' };
};

let key: ReturnType<typeof createPublicKey> | undefined;
export const discordBaseline = async (event: Event) => {
  key ??= createPublicKey({
    key: Buffer.concat([
      Buffer.from('302a300506032b6570032100', 'hex'),
      Buffer.from(process.env.DISCORD_PUBLIC_KEY!, 'hex'),
    ]),
    format: 'der',
    type: 'spki',
  });
  const body = event.body ?? '';
  const signature = Buffer.from(event.headers['x-signature-ed25519'] ?? '', 'hex');
  const ok = verify(null, Buffer.from((event.headers['x-signature-timestamp'] ?? '') + body), key, signature);
  return { statusCode: ok ? 200 : 401, body: ok ? '{"type":5}' : '' };
};
