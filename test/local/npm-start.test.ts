import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleMp4 } from '../../local/simulator/simulated-video.js';
import { discordHeaders, slackHeaders } from '../../local/stack/request-signing.js';
import { FakeChatServer } from '../../local/simulator/fake-chat-api.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { discordInteraction, videoCommandData } from '../../local/stack/discord-interaction.js';

const root = resolve(import.meta.dirname, '../..');
const SECRET = 'npm-start-test-secret';
const APP_ID = '100000000000000009';

/** `npm start` exactly as a newcomer runs it, in a fresh clone of this repository's HEAD. */
describe('npm start from a fresh clone', () => {
  let clone: string;
  let chat: FakeChatServer;
  const keys = generateKeyPairSync('ed25519');
  const publicKeyHex = keys.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');

  beforeAll(async () => {
    clone = await mkdtemp(join(tmpdir(), 'clipbay-clone-'));
    execFileSync('git', ['clone', '--quiet', root, clone]);
    // The clone gets this checkout's installed packages instead of a second `npm ci`.
    await symlink(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
    chat = new FakeChatServer();
    await chat.start();
  });
  afterAll(async () => {
    await chat.stop();
    await rm(clone, { recursive: true, force: true });
  });

  function start(env: Record<string, string>): ChildProcess & { output: () => string } {
    const child = spawn('npm', ['start'], {
      cwd: clone,
      env: { ...process.env, TOKENBAY_API_KEY: '', CLIPBAY_DATA_DIR: join(clone, '.clipbay'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return Object.assign(child, { output: () => output });
  }

  const exited = (child: ChildProcess) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once('exit', (code, signal) => done({ code, signal })),
    );

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200)); // polling a child process, not pacing the code under test
    }
  }

  it('serves both platforms end to end and exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = start({
      PORT: String(port),
      POLL_INTERVAL_SECONDS: '5',
      CLIPBAY_SIMULATOR_SECONDS: '1',
      SLACK_SIGNING_SECRET: SECRET,
      DISCORD_PUBLIC_KEY: publicKeyHex,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_API_BASE: `${chat.url}/discord/api`,
    });
    try {
      await until('/healthz', async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined));
      await until('the banner', async () =>
        child.output().includes('clipbay is running') ? true : undefined,
      );

      const slackBody = slackCommandBody({
        text: 'a corgi surfing --duration 4',
        triggerId: 'start.1.abc',
        responseUrl: `${chat.url}/hooks/start`,
      });
      const slack = await fetch(`${url}/slack/events`, {
        method: 'POST',
        headers: slackHeaders(SECRET, slackBody),
        body: slackBody,
      });
      expect(slack.status).toBe(200);

      const interaction = JSON.stringify(
        discordInteraction({
          id: '700000000000000007',
          applicationId: APP_ID,
          token: 'start-token',
          data: videoCommandData([
            { name: 'prompt', type: 3, value: 'a fox' },
            { name: 'duration', type: 4, value: 4 },
          ]),
        }),
      );
      const discord = await fetch(`${url}/discord/interactions`, {
        method: 'POST',
        headers: discordHeaders(keys.privateKey, interaction),
        body: interaction,
      });
      expect(await discord.json()).toEqual({ type: 5 });

      const slackLink = await until('the Slack link', async () => {
        const final = chat.to('/hooks/start').find((r) => JSON.stringify(r.body).includes('clipbay_watch'));
        const blocks = final?.body.blocks as { type: string; elements?: { url?: string }[] }[] | undefined;
        return blocks?.find((b) => b.type === 'actions')?.elements?.[0]?.url;
      });
      const discordLink = await until('the Discord link', async () => {
        const final = chat.to('/webhooks/').find((r) => JSON.stringify(r.body).includes('Download MP4'));
        const embed = (final?.body.embeds as { description: string }[] | undefined)?.[0];
        return embed && /\[Download MP4\]\((http[^)]+)\)/.exec(embed.description)?.[1];
      });
      for (const link of [slackLink, discordLink]) {
        const bytes = Buffer.from(await (await fetch(link)).arrayBuffer());
        expect(bytes.equals(sampleMp4())).toBe(true);
      }
    } finally {
      const exit = exited(child);
      child.kill('SIGTERM');
      const { code } = await exit;
      expect(code).toBe(0);
    }
    expect(child.output()).toContain('SIGTERM: stopping clipbay');
    // The functions ran from their bundles: their own log lines, under their names.
    expect(child.output()).toMatch(/\[Submit\] \{.*"message":"Submit done"/);
    expect(child.output()).toMatch(/\[PostLink\] \{.*"message":"PostLink done"/);
    // A fresh clone synthesizes (and bundles) the stack on its first start: up to 30 s here.
  }, 120_000);

  it.each([
    [
      { POLL_INTERVAL_SECONDS: '4' },
      'Invalid configuration: POLL_INTERVAL_SECONDS must be at least 5 (got 4): TokenBay allows at most one poll every 5 seconds',
    ],
    [
      { DISCORD_PUBLIC_KEY: 'not-a-key' },
      'Invalid configuration: DISCORD_PUBLIC_KEY must be the 64 hex characters shown as "Public Key" in the Discord developer portal',
    ],
  ])('refuses to start with %o, in one line', async (env, line) => {
    const child = start({ PORT: String(await freePort()), ...env });
    const { code } = await exited(child);
    expect(code).toBe(1);
    const lines = child
      .output()
      .trim()
      .split('\n')
      .filter((l) => l && !l.startsWith('>'));
    expect(lines).toEqual([line]);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
