import type { KeyObject } from 'node:crypto';
import { discordHeaders, slackHeaders } from '../../local/stack/request-signing.js';

/**
 * Requests that are not commands at all, correctly signed (so they get past verification) or
 * oversized. Each gets a 4xx, or for a well-formed interaction clipbay does not handle, a private
 * answer. docs/RELIABILITY.md is generated from this table.
 */
export interface TransportGarbage {
  name: string;
  status: number;
  /** For a 200: the private message the caller sees. */
  ephemeral?: string;
  /** For a 200 that is not a message: the exact answer (an autocomplete with nothing to offer). */
  answer?: unknown;
  request(keys: { slackSecret: string; discordKey: KeyObject; applicationId: string }): {
    path: string;
    headers: Record<string, string>;
    body: string;
  };
}

const slack = (secret: string, body: string, contentType = 'application/x-www-form-urlencoded') => ({
  path: '/slack/events',
  headers: { ...slackHeaders(secret, body), 'content-type': contentType },
  body,
});
const discord = (key: KeyObject, body: string) => ({
  path: '/discord/interactions',
  headers: discordHeaders(key, body),
  body,
});
const interaction = (applicationId: string, extra: Record<string, unknown>) =>
  JSON.stringify({
    id: '900000000000000009',
    application_id: applicationId,
    token: 'tok',
    channel_id: '2',
    member: { user: { id: '3', username: 'x' } },
    ...extra,
  });
const ONLY = 'clipbay only understands the /video command and its buttons.';

export const TRANSPORT_GARBAGE: TransportGarbage[] = [
  {
    name: 'Slack: a form body over 1 MB',
    status: 413,
    request: (k) => slack(k.slackSecret, `text=${'x'.repeat(1024 * 1024 + 10)}`),
  },
  {
    name: 'Slack: malformed JSON body',
    status: 400,
    request: (k) => slack(k.slackSecret, '{"command": "/video", ', 'application/json'),
  },
  {
    name: 'Slack: a form body that is no Slack payload',
    status: 404,
    request: (k) => slack(k.slackSecret, 'foo=bar&baz=%E0%A4%A'),
  },
  {
    name: 'Slack: an interactivity payload that is not JSON',
    status: 400,
    request: (k) => slack(k.slackSecret, 'payload=%7Bnot-json'),
  },
  { name: 'Discord: malformed JSON', status: 400, request: (k) => discord(k.discordKey, '{"type": 2, ') },
  {
    name: 'Discord: JSON that is not an interaction',
    status: 400,
    request: (k) => discord(k.discordKey, '[1, 2, 3]'),
  },
  {
    name: 'Discord: a body over 1 MB',
    status: 413,
    request: (k) => discord(k.discordKey, JSON.stringify({ pad: 'x'.repeat(1024 * 1024) })),
  },
  {
    name: 'Discord: another application’s interaction',
    status: 400,
    request: (k) => discord(k.discordKey, interaction('111111111111111111', { type: 2 })),
  },
  {
    name: 'Discord: autocomplete (type 4) with no option focused',
    status: 200,
    answer: { type: 8, data: { choices: [] } },
    request: (k) => discord(k.discordKey, interaction(k.applicationId, { type: 4, data: { name: 'video' } })),
  },
  {
    name: 'Discord: modal submit (type 5)',
    status: 200,
    ephemeral: ONLY,
    request: (k) =>
      discord(k.discordKey, interaction(k.applicationId, { type: 5, data: { custom_id: 'm' } })),
  },
  {
    name: 'Discord: unknown interaction type 99',
    status: 200,
    ephemeral: ONLY,
    request: (k) => discord(k.discordKey, interaction(k.applicationId, { type: 99 })),
  },
  {
    name: 'Discord: another command name',
    status: 200,
    ephemeral: ONLY,
    request: (k) =>
      discord(k.discordKey, interaction(k.applicationId, { type: 2, data: { name: 'image', options: [] } })),
  },
  {
    name: 'Discord: a button clipbay did not make',
    status: 200,
    ephemeral: ONLY,
    request: (k) =>
      discord(
        k.discordKey,
        interaction(k.applicationId, { type: 3, data: { custom_id: 'other:thing', component_type: 2 } }),
      ),
  },
];
