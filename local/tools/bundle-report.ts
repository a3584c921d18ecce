import { build, type Metafile } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { LAMBDA_BUNDLING } from '../../infra/lambda-bundling.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where bundles are written (git-ignored). */
export const OUT_DIR = `${ROOT}bench/out/`;

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
] as const;

export interface BundleReport {
  name: string;
  file: string;
  bytes: number;
  /** Largest contributors by package (or clipbay's own code), bytes in the output. */
  top: { module: string; bytes: number }[];
  /** Every npm package with code in the bundle. */
  packages: Set<string>;
}

/** Bundles an entry exactly as ClipbayFunction does (LAMBDA_BUNDLING). */
export async function bundle(entry: string, name: string): Promise<BundleReport> {
  await mkdir(OUT_DIR, { recursive: true });
  const file = `${OUT_DIR}${name}.cjs`;
  const result = await build({
    entryPoints: [entry.startsWith('/') ? entry : `${ROOT}${entry}`],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: LAMBDA_BUNDLING.target,
    minify: LAMBDA_BUNDLING.minify,
    external: [...LAMBDA_BUNDLING.external],
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
      .slice(0, 5),
    packages: new Set([...byModule.keys()].filter((module) => module !== OWN_CODE)),
  };
}

const OWN_CODE = 'clipbay (own code)';

function bytesByModule(output: Metafile['outputs'][string]): Map<string, number> {
  const byModule = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? OWN_CODE;
    byModule.set(module, (byModule.get(module) ?? 0) + bytesInOutput);
  }
  return byModule;
}
