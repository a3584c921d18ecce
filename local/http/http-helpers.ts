import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** The HTTP helpers every local server shares: the stack, the account's endpoint, the simulator. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The body's bytes, or undefined when it is larger than `limit` bytes (the rest is not read). */
export async function readBodyBytes(req: IncomingMessage, limit = Infinity): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The body as text, or undefined when it is larger than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = Infinity): Promise<string | undefined> {
  return (await readBodyBytes(req, limit))?.toString('utf8');
}

/** Listens on 127.0.0.1 (loopback only) and resolves with the port, or rejects (EADDRINUSE …). */
export function listenOnLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** Closes a server and every connection it still holds. */
export function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
