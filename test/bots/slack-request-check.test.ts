import { describe, expect, it } from 'vitest';
import { MAX_SLACK_BODY_BYTES, slackRequestProblem } from '../../bots/slack/slack-request-check.js';

/** The checks in front of Bolt's HMAC, in-process (the bundle is exercised in test/slack). */
describe('slackRequestProblem', () => {
  const now = 1_700_000_000_000;
  const seconds = now / 1000;
  const form = 'command=%2Fvideo&text=a+corgi';
  const headers = (timestamp: number | string, contentType = 'application/x-www-form-urlencoded') => ({
    'x-slack-request-timestamp': String(timestamp),
    'content-type': contentType,
  });

  it('lets a well-formed request through to Bolt', () => {
    expect(slackRequestProblem({ headers: headers(seconds), body: form }, now)).toBeUndefined();
    expect(slackRequestProblem({ headers: headers(seconds - 3600), body: form }, now)).toBeUndefined();
    expect(slackRequestProblem({ body: form }, now)).toBeUndefined();
    expect(slackRequestProblem({ headers: null, body: null }, now)).toBeUndefined();
  });

  it('allows 5 minutes of clock skew into the future, and not a second more', () => {
    expect(slackRequestProblem({ headers: headers(seconds + 300), body: form }, now)).toBeUndefined();
    expect(slackRequestProblem({ headers: headers(seconds + 301), body: form }, now)).toEqual({
      status: 401,
      reason: 'Request timestamp is in the future.',
    });
    expect(slackRequestProblem({ headers: headers(seconds + 300.5), body: form }, now)).toMatchObject({
      status: 401,
    });
  });

  it('finds the timestamp header whatever its case', () => {
    const shouting = { 'X-Slack-Request-Timestamp': String(seconds + 3600), 'Content-Type': 'text/plain' };
    expect(slackRequestProblem({ headers: shouting, body: form }, now)).toMatchObject({ status: 401 });
  });

  it('leaves a timestamp that is not a number to Bolt (which refuses it)', () => {
    expect(slackRequestProblem({ headers: headers('soon'), body: form }, now)).toBeUndefined();
  });

  it.each([['Infinity'], ['1e999']])('refuses a timestamp of %s as in the future', (timestamp) => {
    expect(slackRequestProblem({ headers: headers(timestamp), body: form }, now)).toEqual({
      status: 401,
      reason: 'Request timestamp is in the future.',
    });
  });

  it('refuses a body over 1 MiB, measured after base64 decoding', () => {
    expect(MAX_SLACK_BODY_BYTES).toBe(1024 * 1024);
    const exact = 'a'.repeat(MAX_SLACK_BODY_BYTES);
    expect(slackRequestProblem({ headers: headers(seconds), body: exact }, now)).toBeUndefined();
    expect(slackRequestProblem({ headers: headers(seconds), body: `${exact}a` }, now)).toEqual({
      status: 413,
      reason: 'Body too large.',
    });
    const encoded = Buffer.from(exact).toString('base64');
    expect(encoded.length).toBeGreaterThan(MAX_SLACK_BODY_BYTES);
    expect(
      slackRequestProblem({ headers: headers(seconds), body: encoded, isBase64Encoded: true }, now),
    ).toBeUndefined();
    expect(
      slackRequestProblem(
        {
          headers: headers(seconds),
          body: Buffer.from(`${exact}a`).toString('base64'),
          isBase64Encoded: true,
        },
        now,
      ),
    ).toMatchObject({ status: 413 });
  });

  it('decodes a base64 body before parsing it', () => {
    const json = Buffer.from('{"type":"url_verification"}').toString('base64');
    expect(
      slackRequestProblem(
        { headers: headers(seconds, 'application/json'), body: json, isBase64Encoded: true },
        now,
      ),
    ).toBeUndefined();
    expect(slackRequestProblem({ headers: headers(seconds, 'application/json'), body: json }, now)).toEqual({
      status: 400,
      reason: 'Malformed body.',
    });
  });

  it('refuses JSON and interactive payloads that do not parse (Bolt would answer 500)', () => {
    const bad = { status: 400, reason: 'Malformed body.' };
    expect(slackRequestProblem({ headers: headers(seconds, 'application/json'), body: '{' }, now)).toEqual(
      bad,
    );
    expect(
      slackRequestProblem({ headers: headers(seconds, 'application/json; charset=utf-8'), body: '' }, now),
    ).toEqual(bad);
    expect(slackRequestProblem({ headers: headers(seconds), body: 'payload=%7Bnope' }, now)).toEqual(bad);
    expect(
      slackRequestProblem(
        { headers: headers(seconds), body: 'payload=%7B%22type%22%3A%22block_actions%22%7D' },
        now,
      ),
    ).toBeUndefined();
    // Form bodies are form-parsed even when they look like JSON.
    expect(slackRequestProblem({ headers: headers(seconds), body: '{' }, now)).toBeUndefined();
    expect(
      slackRequestProblem({ headers: { 'x-slack-request-timestamp': String(seconds) }, body: '{' }, now),
    ).toBeUndefined();
  });
});
