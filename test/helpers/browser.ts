import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { chromium, type Browser, type Locator } from 'playwright-core';

/** Where the browser came from: a Chromium installed on the machine, or the one inside the npm package. */
export type BrowserSource = 'system' | '@sparticuz/chromium';

export interface LaunchedBrowser {
  browser: Browser;
  source: BrowserSource;
  executablePath: string;
  /** Time to get the executable (unpacking @sparticuz/chromium on first use) plus the launch itself. */
  launchMs: number;
}

/** System Chromium locations tried, in order, after `CHROMIUM_PATH`. */
const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/**
 * Headless, no sandbox (the tests may run as root), and nothing that reaches for the network:
 * test machines have none, and Chromium otherwise fills the log with refused connections.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The system Chromium to use, if any: `CHROMIUM_PATH` (which must exist), else a Debian/Ubuntu path. */
export function systemChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  return SYSTEM_CHROMIUM.find((path) => existsSync(path));
}

/**
 * Launches headless Chromium through playwright-core: the system's when there is one, otherwise
 * the browser shipped inside the `@sparticuz/chromium` npm package (no download, no install script).
 */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  const started = performance.now();
  const system = systemChromium();
  const source: BrowserSource = system ? 'system' : '@sparticuz/chromium';
  const executablePath = system ?? (await packagedChromium());
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    chromiumSandbox: false,
    args: CHROMIUM_ARGS,
  });
  return { browser, source, executablePath, launchMs: Math.round(performance.now() - started) };
}

let unpacking: Promise<string> | undefined;

/**
 * The path of @sparticuz/chromium's browser, unpacked once per package version into
 * `$TMPDIR/clipbay-chromium-<version>/`. The package itself unpacks to a fixed `$TMPDIR/chromium`
 * and treats an existing file as finished, so two test files starting at once could run a
 * half-written binary; here each process unpacks into its own directory and renames it into place
 * (atomic), and whoever loses the race uses the winner's copy.
 */
function packagedChromium(): Promise<string> {
  unpacking ??= unpackChromium().catch((error: unknown) => {
    unpacking = undefined;
    throw error;
  });
  return unpacking;
}

async function unpackChromium(): Promise<string> {
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const { version } = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = join(tmpdir(), `clipbay-chromium-${version}`);
  if (existsSync(join(target, 'chromium'))) return join(target, 'chromium');

  const { default: Chromium } = await import('@sparticuz/chromium');
  const staging = await mkdtemp(join(tmpdir(), `clipbay-chromium-${version}-`));
  try {
    // The package derives every output path from os.tmpdir() synchronously, before its first
    // await, so TMPDIR only has to point at the staging directory for the duration of this call.
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = staging;
    let unpacked: Promise<string>;
    try {
      unpacked = Chromium.executablePath();
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
    const binary = await unpacked;
    const inside = relative(staging, binary);
    if (inside.startsWith('..')) return binary; // a future version ignored TMPDIR: use its path as is
    try {
      await rename(staging, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      // Another process got there first with a complete copy.
    }
    return join(target, inside);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The part of HTMLVideoElement the check reads (the project's TypeScript has no DOM library). */
interface VideoElement {
  readyState: number;
  networkState: number;
  duration: number;
  currentTime: number;
  src: string;
  currentSrc: string;
  error: { code: number; message: string } | null;
  play(): Promise<void>;
  addEventListener(type: string, listener: () => void, options?: { once: boolean }): void;
}

export interface Playback {
  /** True when the clip decoded and played: readyState ≥ 2, a finite duration > 0, time advancing. */
  plays: boolean;
  readyState: number;
  duration: number;
  /** Whether currentTime moved forward after play(). */
  advanced: boolean;
  src: string;
  /** MediaError code (1 aborted, 2 network, 3 decode, 4 source not supported), or null. */
  errorCode: number | null;
  /** Why play() was refused, if it was. */
  playError: string | null;
}

/**
 * Does the `<video>` actually play? Waits (up to `timeoutMs` for each step) for decoded data,
 * calls play() and waits for currentTime to move. Never hangs on a broken source: an error, no
 * data or no progress within the time limit all come back as `plays: false`.
 */
export async function checkPlayback(video: Locator, timeoutMs = 10_000): Promise<Playback> {
  const state = await video.evaluate(async (node, limit) => {
    const element = node as unknown as VideoElement;
    const NETWORK_NO_SOURCE = 3;
    if (element.readyState < 2 && element.error === null && element.networkState !== NETWORK_NO_SOURCE)
      await new Promise((resolve) => {
        setTimeout(() => resolve(undefined), limit);
        element.addEventListener('loadeddata', () => resolve(undefined), { once: true });
        element.addEventListener('error', () => resolve(undefined), { once: true });
      });
    const readyState = element.readyState;
    let playError: string | null = null;
    let advanced = false;
    if (readyState >= 2 && element.error === null) {
      const start = element.currentTime;
      try {
        await element.play();
        advanced = await new Promise<boolean>((resolve) => {
          setTimeout(() => resolve(element.currentTime > start), limit);
          element.addEventListener('timeupdate', () => {
            if (element.currentTime > start) resolve(true);
          });
        });
      } catch (error) {
        playError = String(error);
      }
    }
    return {
      readyState,
      duration: element.duration,
      advanced,
      src: element.currentSrc || element.src,
      errorCode: element.error?.code ?? null,
      playError,
    };
  }, timeoutMs);
  const plays =
    state.readyState >= 2 &&
    Number.isFinite(state.duration) &&
    state.duration > 0 &&
    state.advanced &&
    state.errorCode === null;
  return { plays, ...state };
}
