import { describe, expect, it } from 'vitest';
import { bundle } from '../../local/tools/bundle-report.js';

/** What goes into the ingress Lambdas, bundled exactly as deployed (sizes: bench/results.md). */
describe('ingress bundles', () => {
  it.each(['slack-events', 'discord-interactions'])(
    '%s carries no chat SDK for the other platform, no upload library, no CDK',
    async (name) => {
      const { packages } = await bundle(`functions/${name}.ts`, `test-${name}`);
      for (const heavy of [
        'discord.js',
        '@discordjs/rest',
        '@aws-sdk/lib-storage',
        'aws-cdk-lib',
        's3rver',
        'playwright-core',
      ])
        expect(packages.has(heavy), heavy).toBe(false);
    },
  );

  it.each([
    ['slack-events', ['@aws-sdk/client-sfn', '@aws-sdk/client-dynamodb']],
    ['discord-interactions', ['@aws-sdk/client-sfn', '@aws-sdk/client-dynamodb']],
    ['submit', ['@aws-sdk/client-secrets-manager']],
    ['save-to-s3', ['@aws-sdk/client-s3', '@aws-sdk/lib-storage']],
  ])('%s carries its own AWS SDK, one version with the rest of the bundle', async (name, clients) => {
    const { packages } = await bundle(`functions/${name}.ts`, `test-sdk-${name}`);
    for (const client of clients) expect(packages.has(client), client).toBe(true);
  });

  it('keeps the Discord ingress under 1 MB, without Bolt', async () => {
    const { packages, bytes } = await bundle(
      'functions/discord-interactions.ts',
      'test-discord-interactions',
    );
    expect(packages.has('@slack/bolt')).toBe(false);
    expect(bytes).toBeLessThan(1024 * 1024);
  });
});
