import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenBayClient } from '../../functions/core/tokenbay/client.js';
import {
  freshConnectionFetch,
  freshConnectionFetchWith,
} from '../../functions/runtime/fresh-connection-fetch.js';
import { createServer as createTcpServer } from 'node:net';
import { TokenBaySimulator } from '../../local/simulator/tokenbay-simulator.js';

/** A server that counts the TCP connections it is given, and answers JSON. */
async function countingServer() {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () =>
      res
        .writeHead(201, { 'content-type': 'application/json', 'x-twice': ['a', 'b'] })
        .end(JSON.stringify({ method: req.method, body, connection: req.headers.connection })),
    );
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/videos`,
    connections: () => connections,
    open: () => sockets.size,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('a submit on a fresh connection', () => {
  let server: Awaited<ReturnType<typeof countingServer>>;
  beforeAll(async () => {
    server = await countingServer();
  });
  afterAll(() => server.close());

  it('opens a connection of its own for every request and closes it after, where fetch reuses one', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await freshConnectionFetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"n":${i}}`,
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-twice')).toBe('a, b');
      expect(await res.json()).toEqual({ method: 'POST', body: `{"n":${i}}`, connection: 'close' });
    }
    expect(server.connections()).toBe(3);
    await expect.poll(() => server.open()).toBe(0);

    const before = server.connections();
    for (let i = 0; i < 3; i++) await (await fetch(server.url, { method: 'POST', body: 'x' })).text();
    expect(server.connections() - before).toBeLessThan(3); // the pooled kind reuses a kept-alive one
  });

  it('fails as the TokenBay client expects: refused is "not sent", a cut answer or a timeout "maybe sent"', async () => {
    const sim = new TokenBaySimulator({ generationSeconds: 1 });
    const url = await sim.start();
    try {
      const client = (baseUrl: string, timeoutMs = 2000) =>
        new TokenBayClient({ baseUrl, apiKey: 'sk-test', timeoutMs, submitFetch: freshConnectionFetch });
      const task = await client(url).submit({ model: 'veo-3.1-generate-preview', prompt: 'a fox' });
      expect(task.id).toMatch(/^task_/);

      // Nothing listens there: the request certainly never left.
      const closed = await countingServer();
      await closed.close();
      await expect(
        client(closed.url.replace('/v1/videos', '/')).submit({ model: 'm', prompt: 'p' }),
      ).rejects.toMatchObject({
        name: 'TokenBayNotSentError',
      });

      sim.inject('submit', 'reset-after-body');
      await expect(
        client(url).submit({ model: 'veo-3.1-generate-preview', prompt: 'a fox' }),
      ).rejects.toMatchObject({
        name: 'TokenBayMaybeSentError',
      });
      sim.inject('submit', 'hang');
      await expect(
        client(url, 300).submit({ model: 'veo-3.1-generate-preview', prompt: 'a fox' }),
      ).rejects.toMatchObject({
        name: 'TokenBayMaybeSentError',
        message: expect.stringContaining('timed out'),
      });
    } finally {
      await sim.stop();
    }
  });

  it('a connection that never opens (no TLS answer) is "not sent", as fetch\'s connect timeout is', async () => {
    // Accepts TCP but never speaks TLS: the request is never written.
    const held: Socket[] = [];
    const silent = createTcpServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const client = new TokenBayClient({
        baseUrl: `https://127.0.0.1:${port}/`,
        apiKey: 'sk-test',
        timeoutMs: 5000,
        submitFetch: freshConnectionFetchWith(200),
      });
      await expect(client.submit({ model: 'm', prompt: 'p' })).rejects.toMatchObject({
        name: 'TokenBayNotSentError',
        code: 'UND_ERR_CONNECT_TIMEOUT',
      });
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
