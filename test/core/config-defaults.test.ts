import { describe, expect, it } from 'vitest';
import {
  loadConfig,
  MAX_LINK_EXPIRY_SECONDS,
  MIN_POLL_INTERVAL_SECONDS,
} from '../../functions/core/config.js';
import { ConfigError } from '../../functions/core/errors.js';
import { readChatEnvironment } from '../../bots/platforms.js';

/**
 * The defaults an empty environment gets. The deployed Lambdas are handed the same deadlines in
 * their environment (test/account/secrets-and-roles.test.ts); these are what `npm start`, the CLI
 * and a function whose variable went missing fall back to. A longer generation deadline is real
 * money: every extra minute is four more polls and transitions per stuck video.
 */
describe('loadConfig defaults', () => {
  it('gives an empty environment the documented defaults, deadlines 300 s and 600 s', () => {
    expect(loadConfig({})).toEqual({
      tokenBay: { apiKey: undefined, baseUrl: 'https://api.tokenbay.com' },
      defaultModel: 'veo-3.1-generate-preview',
      pollIntervalSeconds: 15,
      generationTimeoutSeconds: 300,
      editTimeoutSeconds: 600,
      videoBucket: 'clipbay-videos',
      s3Endpoint: undefined,
      linkExpirySeconds: 604_800,
      videoExpiryDays: 30,
      usageHistoryIndexes: 'all',
      inline: 'auto',
      port: 3000,
      usage: { table: undefined, limits: { admins: [] } },
    });
    expect(MIN_POLL_INTERVAL_SECONDS).toBe(5);
    expect(MAX_LINK_EXPIRY_SECONDS).toBe(7 * 24 * 3600);
  });

  it('gives each registered platform its documented defaults, from the platform’s own variables', () => {
    expect(readChatEnvironment({})).toEqual({
      slack: {
        signingSecret: undefined,
        botToken: undefined,
        appToken: undefined,
        apiUrl: 'https://slack.com/api/',
      },
      discord: {
        publicKey: undefined,
        applicationId: undefined,
        botToken: undefined,
        apiBase: 'https://discord.com/api',
      },
    });
    expect(() => readChatEnvironment({ SLACK_BOT_TOKEN: 'xapp-1' })).toThrow(
      new ConfigError(
        'SLACK_BOT_TOKEN',
        'must start with xoxb- (check that the right Slack token is in this variable)',
      ),
    );
    expect(() => readChatEnvironment({ DISCORD_APPLICATION_ID: '12' })).toThrow(
      new ConfigError('DISCORD_APPLICATION_ID', 'must be a Discord id, 15 to 21 digits (got "12")'),
    );
    expect(readChatEnvironment({ DISCORD_PUBLIC_KEY: 'AB'.repeat(32) }).discord.publicKey).toBe(
      'ab'.repeat(32),
    );
  });

  it('treats blank variables as unset', () => {
    const config = loadConfig({ GENERATION_TIMEOUT_SECONDS: '  ', EDIT_TIMEOUT_SECONDS: '' });
    expect(config.generationTimeoutSeconds).toBe(300);
    expect(config.editTimeoutSeconds).toBe(600);
  });

  it('takes the deadlines from the environment, never below 30 s', () => {
    const config = loadConfig({ GENERATION_TIMEOUT_SECONDS: '30', EDIT_TIMEOUT_SECONDS: '900' });
    expect(config.generationTimeoutSeconds).toBe(30);
    expect(config.editTimeoutSeconds).toBe(900);
    expect(() => loadConfig({ GENERATION_TIMEOUT_SECONDS: '29' })).toThrow(
      new ConfigError('GENERATION_TIMEOUT_SECONDS', 'must be at least 30 (got 29)'),
    );
    expect(() => loadConfig({ GENERATION_TIMEOUT_SECONDS: '5m' })).toThrow(
      'Invalid configuration: GENERATION_TIMEOUT_SECONDS must be a whole number (got "5m")',
    );
  });

  it('CLIPBAY_INLINE: auto unless off, anything else refused at start', () => {
    expect(loadConfig({ CLIPBAY_INLINE: 'off' }).inline).toBe('off');
    expect(loadConfig({ CLIPBAY_INLINE: ' AUTO ' }).inline).toBe('auto');
    expect(() => loadConfig({ CLIPBAY_INLINE: 'yes' })).toThrow(
      'Invalid configuration: CLIPBAY_INLINE must be auto or off (got "yes")',
    );
  });
});
