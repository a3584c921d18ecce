import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundle } from '../../infra/bundle-report.js';
import { LAMBDA_BUNDLING, LEFT_OUT_MODULE } from '../../infra/lambda-bundling.js';
import { synthesize } from '../../local/account/synth.js';

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

  it("keeps the Slack ingress within 900 KB: Bolt, without its other receivers' packages", async () => {
    const { packages, bytes, inputs } = await bundle('functions/slack-events.ts', 'test-slack-events');
    expect(packages.has('@slack/bolt')).toBe(true);
    expect(bytes).toBeLessThanOrEqual(900 * 1024);
    // Neither the packages nor any file of theirs, wherever they would be nested.
    for (const heavy of ['undici', 'iconv-lite', 'mime-db', ...LAMBDA_BUNDLING.leftOut]) {
      expect(packages.has(heavy), heavy).toBe(false);
      expect(
        inputs.filter((input) => input.includes(`node_modules/${heavy}/`)),
        heavy,
      ).toEqual([]);
    }
    expect(inputs).toContain(LEFT_OUT_MODULE);
  });

  it('measures what ships: the ingress assets of the synthesized template are these bundles, byte for byte', async () => {
    const assembly = await synthesize();
    for (const [prefix, name] of [
      ['SlackEventsFn', 'slack-events'],
      ['DiscordInteractionsFn', 'discord-interactions'],
    ] as const) {
      const [, fn] = Object.entries(assembly.template.Resources).find(
        ([id, r]) => id.startsWith(prefix) && r.Type === 'AWS::Lambda::Function',
      )!;
      const asset = fn.Metadata?.['aws:asset:path'] as string;
      const built = await bundle(`functions/${name}.ts`, `test-ships-${name}`);
      // Only the source map's file name differs (index.js.map in the asset).
      const code = (text: string) => text.replace(/\n\/\/# sourceMappingURL=\S+\n?$/, '');
      const shipped = code(await readFile(join(assembly.dir, asset, 'index.js'), 'utf8'));
      expect(shipped.length, name).toBeGreaterThan(0);
      expect(shipped === code(await readFile(built.file, 'utf8')), name).toBe(true);
    }
  }, 180_000);

  it('puts a stand-in in place of a left-out package that fails loudly on any use, never silently', () => {
    const leftOut = createRequire(import.meta.url)(`../../${LEFT_OUT_MODULE}`) as Record<string, never>;
    // What loading a module does with it (interop, promises, inspection) still works...
    expect(leftOut.__esModule).toBeUndefined();
    expect((leftOut as { then?: unknown }).then).toBeUndefined();
    class Receiver extends (leftOut.SocketModeClient as unknown as new () => object) {}
    // ...and any call or construction, at any depth, says what was left out and why.
    expect(() => new Receiver()).toThrow(/left this package out.*SocketModeClient.*AwsLambdaReceiver/s);
    expect(() => (leftOut.default as unknown as () => void)()).toThrow(
      /called the left-out package\.default/,
    );
    expect(() => (leftOut.Router as unknown as () => void)()).toThrow(/\.Router/);
    const nested = leftOut.InstallProvider as unknown as { prototype: { handle: () => void } };
    expect(() => nested.prototype.handle()).toThrow(/InstallProvider\.prototype\.handle/);
  });
});
