import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { REGISTRY_TSCONFIG_CONTEXT } from '../../infra/registry-tsconfig.js';
import type { CloudFormationTemplate } from './template.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What a synth reads: a change in any of these makes a new cloud assembly. */
const SOURCES = ['functions', 'bots', 'infra', 'package-lock.json', 'cdk.json', 'tsconfig.json'];
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'clipbay-synth');
const WORKER = fileURLToPath(new URL('./synth-worker.ts', import.meta.url));
/** A tree that keeps changing while it is synthesized (an editor saving) is tried this often. */
const ATTEMPTS = 3;

export interface CloudAssembly {
  /** The folder with the template and the Lambda assets (`asset.<hash>/index.js`). */
  dir: string;
  template: CloudFormationTemplate;
  /** True when this call ran the synth, false when it reused an assembly of the same sources. */
  synthesized: boolean;
  seconds: number;
}

/**
 * `cdk synth` of the real app (infra/app.ts, cdk-nag included), bundles and all, cached by a hash
 * of the sources and the context: an unchanged tree starts without re-bundling. Assemblies are
 * written beside each other and renamed into place, so concurrent test files share one safely.
 *
 * The synth runs in a process of its own, which reads the sources from disk, and its assembly is
 * kept only if the sources hash the same after it as before: a process that imported the stack
 * before a source changed can never file its stale template under the new sources' hash.
 */
export async function synthesize(context: Record<string, string | number> = {}): Promise<CloudAssembly> {
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    const hash = await sourceHash(context);
    const dir = join(CACHE_DIR, hash);
    const templateFile = join(dir, 'Clipbay.template.json');
    let synthesized = false;
    if (!existsSync(templateFile)) {
      const staging = `${dir}.${process.pid}.${Date.now()}`;
      // Asset metadata tells which bundle belongs to which function, as the CDK CLI asks for it.
      await runSynth(
        staging,
        { ...context, 'aws:cdk:enable-asset-metadata': true },
        registryTsconfig(context),
      );
      if ((await sourceHash(context)) !== hash) {
        await rm(staging, { recursive: true, force: true });
        if (attempt < ATTEMPTS) continue;
        throw new Error('The sources kept changing during the synth; try again.');
      }
      await rename(staging, dir).catch(async () => {
        // Another process finished the same assembly first: keep theirs.
        await rm(staging, { recursive: true, force: true });
      });
      synthesized = true;
      await pruneOldAssemblies(hash);
    }
    const template = JSON.parse(await readFile(templateFile, 'utf8')) as CloudFormationTemplate;
    return { dir, template, synthesized, seconds: (performance.now() - started) / 1000 };
  }
}

/** A test's own platform registry (REGISTRY_TSCONFIG_CONTEXT in infra/app.ts), if the context names one. */
function registryTsconfig(context: Record<string, unknown>): string | undefined {
  const value = context[REGISTRY_TSCONFIG_CONTEXT];
  return typeof value === 'string' ? value : undefined;
}

async function runSynth(outdir: string, context: Record<string, unknown>, tsconfig?: string): Promise<void> {
  try {
    await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', WORKER, outdir, JSON.stringify(context)],
      {
        cwd: ROOT,
        maxBuffer: 16 * 1024 * 1024,
        // tsx resolves `@clipbay/platforms` with the tsconfig's paths, as esbuild does for bundles.
        env: tsconfig ? { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, tsconfig) } : process.env,
      },
    );
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    // The synth's own message (a cdk-nag finding, an invalid setting) is what the reader needs.
    const reason = stderr?.split('\n').find((line) => /Error|Invalid|must/.test(line));
    throw new Error(`cdk synth failed: ${reason?.trim() ?? (error as Error).message}`, { cause: error });
  }
}

async function sourceHash(context: Record<string, unknown>): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(context)).update(process.version);
  // A test's own registry is a source too: the folder of its tsconfig.
  const own = registryTsconfig(context);
  for (const source of own ? [...SOURCES, dirname(own)] : SOURCES) {
    for (const file of await listFiles(join(ROOT, source))) {
      hash
        .update(relative(ROOT, file))
        .update('\0')
        .update(await readFile(file))
        .update('\0');
    }
  }
  return hash.digest('hex').slice(0, 20);
}

async function listFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return [];
  if (info.isFile()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((e) => e.name !== 'node_modules' && !e.name.startsWith('.'))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => listFiles(join(path, e.name))),
  );
  return nested.flat();
}

/** Keeps the cache small: the newest few assemblies stay. */
async function pruneOldAssemblies(keep: string): Promise<void> {
  const entries = await readdir(CACHE_DIR).catch(() => [] as string[]);
  const dated = await Promise.all(
    entries
      .filter((name) => name !== keep && /^[0-9a-f]{20}$/.test(name))
      .map(async (name) => ({ name, mtime: (await stat(join(CACHE_DIR, name))).mtimeMs })),
  );
  for (const { name } of dated.sort((a, b) => b.mtime - a.mtime).slice(5))
    await rm(join(CACHE_DIR, name), { recursive: true, force: true });
}
