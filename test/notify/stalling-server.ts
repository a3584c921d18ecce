import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StallingServer {
  url: string;
  /** "METHOD path" of every request received. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A chat API that misbehaves in ways FakeChatServer cannot script: `hang` never answers (the
 * request stays open until the client gives up), `rateLimit` answers 429 with a long Retry-After
 * in both Slack's and Discord's terms.
 */
export async function startStallingServer(behaviour: 'hang' | 'rateLimit'): Promise<StallingServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    if (behaviour === 'rateLimit') rateLimited(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function rateLimited(res: ServerResponse): void {
  res
    .writeHead(429, {
      'content-type': 'application/json',
      'retry-after': '30',
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset-after': '30',
      'x-ratelimit-bucket': 'clipbay-test',
      'x-ratelimit-scope': 'user',
    })
    .end(
      JSON.stringify({
        ok: false,
        error: 'ratelimited',
        message: 'You are being rate limited.',
        retry_after: 30,
        global: false,
      }),
    );
}
