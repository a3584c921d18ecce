import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLING } from '../../infra/lambda-bundling.js';

/** What goes into the ingress Lambdas, bundled as deployed (the sizes are in bench/results.md). */
async function bundledPackages(entry: string): Promise<{ packages: Set<string>; bytes: number }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: LAMBDA_BUNDLING.format,
    target: LAMBDA_BUNDLING.target,
    minify: LAMBDA_BUNDLING.minify,
    external: [...LAMBDA_BUNDLING.external],
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  const packages = new Set(
    Object.keys(output.inputs).flatMap((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? []),
  );
  return { packages, bytes: output.bytes };
}

describe('ingress bundles', () => {
  it.each(['functions/slack-events.ts', 'functions/discord-interactions.ts'])(
    '%s carries no chat SDK for the other platform, no upload library, no CDK',
    async (entry) => {
      const { packages } = await bundledPackages(entry);
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

  it('keeps the Discord ingress under 1 MB, without Bolt', async () => {
    const { packages, bytes } = await bundledPackages('functions/discord-interactions.ts');
    expect(packages.has('@slack/bolt')).toBe(false);
    expect(bytes).toBeLessThan(1024 * 1024);
  });
});
