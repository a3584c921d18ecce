// Runs in a fresh Node process: loads one bundled ingress handler the way Lambda does (require of
// the bundle), sends it the first signed request (cold), then `count` more (warm), and prints the
// timings as JSON. Plain JavaScript so nothing but the bundle is loaded before the clock starts.
import { createHmac, createPrivateKey, sign } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const [bundlePath, exportName, platform, countText] = process.argv.slice(2);
const count = Number(countText);
const privateKey =
  platform === 'discord' ? createPrivateKey(process.env.BENCH_DISCORD_PRIVATE_KEY) : undefined;
let n = 0;

function event() {
  n++;
  const timestamp = String(Math.floor(Date.now() / 1000));
  let body;
  let headers;
  if (platform === 'slack') {
    body = new URLSearchParams({
      command: '/video',
      text: 'a corgi surfing --duration 8',
      user_id: 'U1',
      user_name: 'ana',
      channel_id: 'C1',
      team_id: 'T1',
      trigger_id: `bench.${process.pid}.${n}`,
      response_url: 'https://hooks.slack.test/1',
    }).toString();
    const signature = `v0=${createHmac('sha256', process.env.SLACK_SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
    };
  } else {
    body = JSON.stringify({
      id: `9${String(process.pid).padStart(7, '0')}${String(n).padStart(10, '0')}`,
      type: 2,
      application_id: process.env.DISCORD_APPLICATION_ID,
      token: 'tok',
      channel_id: '200000000000000002',
      member: { user: { id: '123456789012345678', username: 'ana' } },
      data: {
        id: '1',
        name: 'video',
        type: 1,
        options: [{ name: 'prompt', type: 3, value: 'a corgi surfing' }],
      },
    });
    headers = {
      'content-type': 'application/json',
      'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), privateKey).toString('hex'),
      'x-signature-timestamp': timestamp,
    };
  }
  return {
    version: '2.0',
    routeKey: 'POST /',
    rawPath: '/',
    rawQueryString: '',
    headers,
    body,
    isBase64Encoded: false,
    requestContext: {
      http: { method: 'POST', path: '/', sourceIp: '127.0.0.1' },
      requestId: String(n),
      stage: '$default',
      timeEpoch: Date.now(),
    },
  };
}

const start = performance.now();
const handler = createRequire(import.meta.url)(bundlePath)[exportName];
const first = await handler(event(), {});
const cold = performance.now() - start;
if (first.statusCode !== 200) throw new Error(`first request answered ${first.statusCode}: ${first.body}`);

const warm = [];
for (let i = 0; i < count; i++) {
  const e = event();
  const t = performance.now();
  const answer = await handler(e, {});
  warm.push(performance.now() - t);
  if (answer.statusCode !== 200) throw new Error(`request ${i} answered ${answer.statusCode}`);
}
warm.sort((a, b) => a - b);
const pct = (p) => warm[Math.min(warm.length - 1, Math.floor((p / 100) * warm.length))];
// On a line of its own, marked: the handler writes lines of its own to stdout (EMF metrics).
process.stdout.write(
  `\nprobe-result ${JSON.stringify({ cold, p50: pct(50), p99: pct(99), requests: count + 1 })}\n`,
);
