import { build, type BuildOptions, type Metafile } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { LAMBDA_BUNDLING, LEFT_OUT_MODULE, PROJECT_ROOT } from './lambda-bundling.js';

/** Where bundles are written (git-ignored); every call builds afresh, nothing is reused. */
export const OUT_DIR = `${PROJECT_ROOT}bench/out/`;

/** The Lambdas of infra/clipbay-stack.ts, by handler file. */
export const LAMBDAS = [
  'slack-events.ts',
  'discord-interactions.ts',
  'submit.ts',
  'check-status.ts',
  'save-to-s3.ts',
  'post-link.ts',
  'report-failure.ts',
  'share-link.ts',
  'run-ended.ts',
  'settle-usage.ts',
] as const;

/**
 * The esbuild options ClipbayFunction gives the CDK's esbuild (infra/clipbay-function.ts), for
 * esbuild's API: the same folder, entry resolution and left-out packages.
 */
export function lambdaBuildOptions(): BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: LAMBDA_BUNDLING.target,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    external: [...LAMBDA_BUNDLING.external],
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    alias: Object.fromEntries(LAMBDA_BUNDLING.leftOut.map((name) => [name, `./${LEFT_OUT_MODULE}`])),
  };
}

export interface BundleReport {
  name: string;
  /** The bundle (its source map beside it, as deployed). */
  file: string;
  bytes: number;
  /** Largest contributors by package (the innermost, or clipbay's own code), bytes in the output. */
  top: { module: string; bytes: number }[];
  /** Every npm package with code in the bundle. */
  packages: Set<string>;
  /** Every file esbuild read into the bundle, relative to the repository root. */
  inputs: string[];
}

const OWN_CODE = 'clipbay (own code)';
const STAND_IN = 'left-out stand-in';

/** Bundles an entry exactly as ClipbayFunction does (LAMBDA_BUNDLING). */
export async function bundle(entry: string, name: string, topCount = 5): Promise<BundleReport> {
  await mkdir(OUT_DIR, { recursive: true });
  const file = `${OUT_DIR}${name}.cjs`;
  const result = await build({
    ...lambdaBuildOptions(),
    entryPoints: [entry.startsWith('/') ? entry : `${PROJECT_ROOT}${entry}`],
    outfile: file,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint)!;
  const byModule = bytesByModule(output);
  return {
    name,
    file,
    bytes: output.bytes,
    top: [...byModule.entries()]
      .map(([module, bytes]) => ({ module, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, topCount),
    packages: new Set([...byModule.keys()].filter((module) => module !== OWN_CODE && module !== STAND_IN)),
    inputs: Object.keys(output.inputs),
  };
}

function bytesByModule(output: Metafile['outputs'][string]): Map<string, number> {
  const byModule = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    // The innermost package: undici nested in @discordjs/rest/node_modules counts as undici.
    const nested = [...path.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].at(-1)?.[1];
    const module = path === LEFT_OUT_MODULE ? STAND_IN : (nested ?? OWN_CODE);
    byModule.set(module, (byModule.get(module) ?? 0) + bytesInOutput);
  }
  return byModule;
}
