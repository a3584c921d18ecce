import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleMp4 } from '../../local/simulator/simulated-video.js';
import { readMp4 } from '../helpers/mp4.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');

describe('npm run video (CLI)', () => {
  let cwd: string;
  afterAll(() => rm(cwd, { recursive: true, force: true }));

  it('writes a playable MP4 from the simulator and prints its path', async () => {
    cwd = await mkdtemp(join(tmpdir(), 'clipbay-cli-'));
    const { stdout, stderr } = await run(
      tsx,
      [join(root, 'local/cli/video-cli.ts'), 'test', '--duration', '4'],
      {
        cwd,
        env: {
          ...process.env,
          TOKENBAY_API_KEY: '',
          POLL_INTERVAL_SECONDS: '5',
          CLIPBAY_SIMULATOR_SECONDS: '1',
        },
      },
    );
    const path = stdout.trim();
    expect(path).toMatch(/^videos\/task_[0-9a-f]+\.mp4$/);
    expect(stderr).toContain('Using the built-in TokenBay simulator');
    expect(stderr).toContain('100%  SUCCESS');

    const bytes = await readFile(join(cwd, path));
    expect(bytes.equals(sampleMp4())).toBe(true);
    const mp4 = readMp4(bytes);
    expect(mp4.boxes).toEqual(['ftyp', 'moov', 'free', 'mdat']);
    expect(mp4.durationSeconds).toBeCloseTo(2, 1);
  });

  it('refuses a poll interval under 5 s with one line naming the variable', async () => {
    const error = await run(tsx, [join(root, 'local/cli/video-cli.ts'), 'test'], {
      env: { ...process.env, POLL_INTERVAL_SECONDS: '4' },
    }).catch((e: { stderr: string; code: number }) => e);
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr.trim()).toBe(
      'Invalid configuration: POLL_INTERVAL_SECONDS must be at least 5 (got 4): TokenBay allows at most one poll every 5 seconds',
    );
  });
});
