import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/**
 * Stands in for Slack's response_url and Web API, or for Discord's API: records every request and
 * answers with what the test scripted for its path (default 200 `{ ok: true }`).
 */
export class FakeChatServer {
  readonly requests: ChatRequest[] = [];
  private readonly scripted: {
    match: RegExp;
    status: number;
    body: unknown;
    times: number;
    headers: Record<string, string>;
  }[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const path = decodeURIComponent(req.url ?? '/');
        let body: Record<string, unknown>;
        try {
          body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          body = Object.fromEntries(new URLSearchParams(text));
        }
        this.requests.push({ method: req.method ?? '', path, headers: req.headers, body });
        const script = this.scripted.find((s) => s.match.test(`${req.method} ${path}`) && s.times !== 0);
        if (script) script.times--;
        const status = script?.status ?? 200;
        const answer = script?.body ?? {
          ok: true,
          ts: `${this.requests.length}.000100`,
          id: `9${this.requests.length}`.padEnd(18, '0'),
        };
        res
          .writeHead(status, { 'content-type': 'application/json', ...script?.headers })
          .end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Answer `status`/`body` to requests whose "METHOD path" matches, `times` times (-1: always). */
  answer(
    match: RegExp,
    status: number,
    body: unknown = {},
    times = -1,
    headers: Record<string, string> = {},
  ): void {
    this.scripted.push({ match, status, body, times, headers });
  }

  to(pathPart: string): ChatRequest[] {
    return this.requests.filter((r) => r.path.includes(pathPart));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
