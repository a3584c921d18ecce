import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { discordHeaders, slackHeaders } from '../../local/stack/request-signing.js';

/**
 * Forged requests: every one must get 401 and start nothing. Slack's HMAC is checked by Bolt in
 * constant time (tsscmp); Discord's Ed25519 signature by node:crypto's verify. docs/RELIABILITY.md
 * is generated from this table.
 */
export interface Forgery {
  name: string;
  forge(context: {
    slackSecret: string;
    discordKey: KeyObject;
    slackBody: string;
    discordBody: string;
    now: number;
  }): {
    path: string;
    headers: Record<string, string>;
    body: string;
  };
}

const SLACK = '/slack/events';
const DISCORD = '/discord/interactions';
const otherKey = generateKeyPairSync('ed25519').privateKey;

const withoutHeader = (headers: Record<string, string>, name: string) =>
  Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));

export const FORGERIES: Forgery[] = [
  {
    name: 'Slack: no signature headers',
    forge: (c) => ({
      path: SLACK,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: c.slackBody,
    }),
  },
  {
    name: 'Slack: no signature',
    forge: (c) => ({
      path: SLACK,
      headers: withoutHeader(slackHeaders(c.slackSecret, c.slackBody), 'x-slack-signature'),
      body: c.slackBody,
    }),
  },
  {
    name: 'Slack: no timestamp',
    forge: (c) => ({
      path: SLACK,
      headers: withoutHeader(slackHeaders(c.slackSecret, c.slackBody), 'x-slack-request-timestamp'),
      body: c.slackBody,
    }),
  },
  {
    name: 'Slack: signed with the wrong secret',
    forge: (c) => ({ path: SLACK, headers: slackHeaders('not-the-secret', c.slackBody), body: c.slackBody }),
  },
  {
    name: 'Slack: signature of another body',
    forge: (c) => ({
      path: SLACK,
      headers: {
        ...slackHeaders(c.slackSecret, 'text=hello'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: c.slackBody,
    }),
  },
  {
    name: 'Slack: body altered after signing',
    forge: (c) => ({
      path: SLACK,
      headers: slackHeaders(c.slackSecret, c.slackBody),
      body: c.slackBody.replace('corgi', 'kitty'),
    }),
  },
  {
    name: 'Slack: valid request replayed with another trigger_id',
    forge: (c) => ({
      path: SLACK,
      headers: slackHeaders(c.slackSecret, c.slackBody),
      body: c.slackBody.replace(/trigger_id=[^&]+/, 'trigger_id=replayed.1.x'),
    }),
  },
  {
    name: 'Slack: stale timestamp (6 minutes)',
    forge: (c) => ({
      path: SLACK,
      headers: slackHeaders(c.slackSecret, c.slackBody, Math.floor(c.now / 1000) - 360),
      body: c.slackBody,
    }),
  },
  {
    name: 'Slack: timestamp 10 minutes in the future',
    forge: (c) => ({
      path: SLACK,
      headers: slackHeaders(c.slackSecret, c.slackBody, Math.floor(c.now / 1000) + 600),
      body: c.slackBody,
    }),
  },
  {
    name: 'Slack: timestamp changed after signing',
    forge: (c) => ({
      path: SLACK,
      headers: {
        ...slackHeaders(c.slackSecret, c.slackBody),
        'x-slack-request-timestamp': String(Math.floor(c.now / 1000) - 1),
      },
      body: c.slackBody,
    }),
  },
  {
    name: 'Slack: unknown signature version',
    forge: (c) => {
      const headers = slackHeaders(c.slackSecret, c.slackBody);
      return {
        path: SLACK,
        headers: { ...headers, 'x-slack-signature': headers['x-slack-signature']!.replace('v0=', 'v1=') },
        body: c.slackBody,
      };
    },
  },
  {
    name: 'Discord: signed with another key',
    forge: (c) => ({ path: DISCORD, headers: discordHeaders(otherKey, c.discordBody), body: c.discordBody }),
  },
  {
    name: 'Discord: body altered after signing',
    forge: (c) => ({
      path: DISCORD,
      headers: discordHeaders(c.discordKey, c.discordBody),
      body: c.discordBody.replace('corgi', 'kitty'),
    }),
  },
  {
    name: 'Discord: timestamp altered after signing',
    forge: (c) => ({
      path: DISCORD,
      headers: {
        ...discordHeaders(c.discordKey, c.discordBody),
        'x-signature-timestamp': String(Math.floor(c.now / 1000) + 1),
      },
      body: c.discordBody,
    }),
  },
  {
    name: 'Discord: no signature',
    forge: (c) => ({
      path: DISCORD,
      headers: withoutHeader(discordHeaders(c.discordKey, c.discordBody), 'x-signature-ed25519'),
      body: c.discordBody,
    }),
  },
  {
    name: 'Discord: no timestamp',
    forge: (c) => ({
      path: DISCORD,
      headers: withoutHeader(discordHeaders(c.discordKey, c.discordBody), 'x-signature-timestamp'),
      body: c.discordBody,
    }),
  },
  {
    name: 'Discord: truncated signature',
    forge: (c) => {
      const headers = discordHeaders(c.discordKey, c.discordBody);
      return {
        path: DISCORD,
        headers: { ...headers, 'x-signature-ed25519': headers['x-signature-ed25519'].slice(0, 100) },
        body: c.discordBody,
      };
    },
  },
  {
    name: 'Discord: signature that is not hex',
    forge: (c) => ({
      path: DISCORD,
      headers: { ...discordHeaders(c.discordKey, c.discordBody), 'x-signature-ed25519': 'z'.repeat(128) },
      body: c.discordBody,
    }),
  },
  {
    name: 'Discord: all-zero signature',
    forge: (c) => ({
      path: DISCORD,
      headers: { ...discordHeaders(c.discordKey, c.discordBody), 'x-signature-ed25519': '0'.repeat(128) },
      body: c.discordBody,
    }),
  },
];
