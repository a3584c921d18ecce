/**
 * `npm run video -- "a corgi surfing" --model … --duration 8`: submit, poll with a progress bar on
 * stderr, download to ./videos/<task>.mp4 and print the path. Uses the built-in TokenBay
 * simulator unless TOKENBAY_API_KEY is set.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../../functions/core/config.js';
import { ClipbayError } from '../../functions/core/errors.js';
import { parseCommandArgs } from '../../functions/core/grammar/command-text.js';
import { helpText, modelsText } from '../../functions/core/grammar/help-text.js';
import { buildSubmitBody } from '../../functions/core/request/build-submit-body.js';
import { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import { TASK_STATUS } from '../../functions/core/tokenbay/task.js';
import { waitForTask } from '../../functions/core/tokenbay/wait-for-task.js';
import { resumingDownload } from '../../functions/core/transfer/resuming-download.js';
import { TokenBaySimulator } from '../simulator/tokenbay-simulator.js';
import { formatBytes, progressLine } from './progress-bar.js';

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const command = parseCommandArgs(argv, { defaultModel: config.defaultModel });
  if (command.kind === 'usage') {
    console.log(
      'Usage is recorded for chat commands: type `/video usage` in Slack or Discord (or in the playground of `npm start`). This CLI calls TokenBay directly and records nothing.',
    );
    return 0;
  }
  if (command.kind !== 'video') {
    console.log(
      (command.kind === 'help' ? helpText : modelsText)(config.defaultModel).replaceAll(
        '/video',
        'npm run video --',
      ),
    );
    return 0;
  }

  let simulator: TokenBaySimulator | undefined;
  let client: TokenBayClient;
  if (config.tokenBay.apiKey) {
    client = new TokenBayClient({ baseUrl: config.tokenBay.baseUrl, apiKey: config.tokenBay.apiKey });
  } else {
    simulator = new TokenBaySimulator({ generationSeconds: simulatorSeconds() });
    client = new TokenBayClient({ baseUrl: await simulator.start(), apiKey: 'sk-local-simulator' });
    console.error('Using the built-in TokenBay simulator (set TOKENBAY_API_KEY to use the real API).');
  }

  try {
    const { request } = command;
    const started = Date.now();
    const submitted = await client.submit(buildSubmitBody(request));
    console.error(
      `Submitted ${submitted.id}: ${request.model}, ${request.duration} s, ${request.resolution}, ${request.ratio}`,
    );

    const interactive = process.stderr.isTTY;
    let lastLine = '';
    const task = await waitForTask(client, submitted.id, {
      intervalSeconds: config.pollIntervalSeconds,
      deadlines: config,
      onUpdate: (update) => {
        const line = progressLine(update, (Date.now() - started) / 1000);
        if (interactive) process.stderr.write(`\r${line}`);
        else if (line.split('  ')[0] !== lastLine.split('  ')[0]) console.error(line);
        lastLine = line;
      },
      onPollError: (error) => console.error(`\npoll failed (${error.message}); trying again`),
    });
    if (interactive) process.stderr.write('\n');
    if (task.status === TASK_STATUS.failure) {
      console.error(`The video failed: ${task.failReason ?? 'TokenBay gave no reason'}`);
      return 1;
    }

    await mkdir('videos', { recursive: true });
    const target = join('videos', `${task.id}.mp4`);
    const download = resumingDownload((offset) => client.content(task.resultUrl ?? task.id, { offset }), {
      onResume: (offset) => console.error(`download broke off at ${offset} bytes; resuming`),
    });
    await pipeline(download.stream, createWriteStream(`${target}.part`));
    await rename(`${target}.part`, target);
    console.error(
      `Downloaded ${formatBytes(download.progress.bytes)} in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    console.log(relative(process.cwd(), target));
    return 0;
  } finally {
    await simulator?.stop();
  }
}

function simulatorSeconds(): number {
  const value = Number(process.env.CLIPBAY_SIMULATOR_SECONDS ?? 10);
  return Number.isFinite(value) && value >= 0 ? value : 10;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ClipbayError ? error.message : error);
    process.exit(1);
  },
);
