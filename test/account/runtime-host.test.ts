import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaContainer } from '../../local/account/lambda/lambda-container.js';

/** The emulated Lambda runtime reports failures under the names Lambda's Node.js runtime uses. */
describe('the local Lambda runtime', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clipbay-runtime-'));
    await writeFile(
      join(dir, 'index.js'),
      [
        "exports.forgotten = async () => { Promise.reject(new Error('nobody awaited me')); await new Promise((r) => setTimeout(r, 1000)); return 'late'; };",
        "exports.huge = async () => ({ bytes: 'x'.repeat(6 * 1024 * 1024) });",
        'exports.fine = async (event) => ({ echo: event });',
        // One GET over fetch's pooled, kept-alive connections; what came of it.
        'exports.get = async (event) => { try { const r = await fetch(event.url); await r.text(); return { status: r.status }; } catch (e) { return { failed: e.cause?.code ?? e.message }; } };',
      ].join('\n'),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const container = (handler: string, freezeBetweenInvocations = false) =>
    new LambdaContainer({
      freezeBetweenInvocations,
      functionName: 'Probe',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:Probe',
      codeDir: dir,
      handler,
      env: { PATH: process.env.PATH ?? '' },
      memoryMb: 128,
      timeoutSeconds: 10,
      onLog: () => undefined,
    });

  it('fails the invocation in progress with Runtime.UnhandledPromiseRejection and ends the environment', async () => {
    const probe = container('index.forgotten');
    await expect(probe.invoke({})).rejects.toMatchObject({
      name: 'Runtime.UnhandledPromiseRejection',
      message: 'nobody awaited me',
    });
    await expect.poll(() => probe.alive).toBe(false);
  });

  it('refuses a response over 6 MB as Lambda does, and answers one under it', async () => {
    const huge = container('index.huge');
    await expect(huge.invoke({})).rejects.toMatchObject({ name: 'Function.ResponseSizeTooLarge' });
    huge.kill();
    const fine = container('index.fine');
    await expect(fine.invoke({ a: 1 })).resolves.toEqual({ echo: { a: 1 } });
    fine.kill();
  });

  it('freezes the environment between invocations, as Lambda does, and thaws it for the next', async () => {
    /** The process state Linux reports: T is stopped, S sleeping, R running. */
    const state = async (pid: number) => (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]![0];
    const frozen = container('index.fine', true);
    // A stop signal takes effect when the kernel next schedules the process: poll for it.
    await expect(frozen.invoke({ n: 1 })).resolves.toEqual({ echo: { n: 1 } });
    await expect.poll(() => state(frozen.pid!)).toBe('T');
    await expect(frozen.invoke({ n: 2 })).resolves.toEqual({ echo: { n: 2 } });
    await expect.poll(() => state(frozen.pid!)).toBe('T');
    frozen.kill();
    const thawed = container('index.fine');
    await thawed.invoke({});
    expect(await state(thawed.pid!)).not.toBe('T');
    thawed.kill();
  });

  it('a connection the network path forgot while frozen resets the next request on it, which never reaches the peer', async () => {
    const requests: string[] = [];
    const connections: unknown[] = [];
    const peer = createServer((req, res) => {
      requests.push(req.url!);
      res.end('ok');
    }).on('connection', (socket) => connections.push(socket));
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const url = (n: number) => `http://127.0.0.1:${(peer.address() as AddressInfo).port}/${n}`;
    const probe = container('index.get', true);
    try {
      await expect(probe.invoke({ url: url(1) })).resolves.toEqual({ status: 200 });
      expect(probe.lastNetwork).toEqual({ dropped: 0, reset: 0 });
      // The kept-alive connection is forgotten: the request's bytes leave and a reset comes back.
      await expect(probe.invoke({ url: url(2) }, { dropConnections: true })).resolves.toEqual({
        failed: 'ECONNRESET',
      });
      expect(probe.lastNetwork).toEqual({ dropped: 1, reset: 1 });
      // The next goes out on a new connection.
      await expect(probe.invoke({ url: url(3) })).resolves.toEqual({ status: 200 });
      expect({ requests, connections: connections.length }).toEqual({
        requests: ['/1', '/3'],
        connections: 2,
      });
    } finally {
      probe.kill();
      peer.closeAllConnections();
      peer.close();
    }
  });
});
