import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedHostsFromEnv, hostCheck } from '../../local/security/host-check.js';

/** One GET with exactly this Host header (fetch would set its own): the status, and the body. */
function answerTo(port: number, host: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, body, type: String(res.headers['content-type']) }),
      );
    });
    req.on('error', reject).end();
  });
}
const withHost = async (port: number, host: string) => (await answerTo(port, host)).status;

/** The Host allow-list against DNS rebinding, on a real server: exact names and port, nothing like them. */
describe('the Host allow-list', () => {
  let server: Server;
  let port: number;
  let check: ReturnType<typeof hostCheck> = () => false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (check(req, res)) res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  /**
   * The check as CLIPBAY_ALLOWED_HOSTS=" clipbay.lan " configures it, made in each test that needs
   * it (not in beforeAll), so that the mutation run knows which tests use it.
   */
  const configured = () => (check = hostCheck(port, [' clipbay.lan ']));
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers loopback by name and address, with its own port, and the configured names', async () => {
    configured();
    for (const host of ['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]', 'clipbay.lan', 'CLIPBAY.LAN'])
      expect(await withHost(port, `${host}:${port}`), host).toBe(200);
  });

  it('refuses look-alikes of an allowed name, other ports, and a missing port', async () => {
    configured();
    for (const host of [
      `localhost.evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      `evil.localhost:${port}`,
      `clipbay.lan.evil.example:${port}`,
      `localhost:${port}.evil.example`,
      `localhost:${port + 1}`,
      `localhost:${port}0`,
      'localhost',
      `127.0.0.2:${port}`,
      `[::2]:${port}`,
      `${port}`,
    ])
      expect(await withHost(port, host), host).toBe(403);
  });

  it('says why, in plain text, and how to allow a name', async () => {
    configured();
    expect(await answerTo(port, `rebound.example:${port}`)).toEqual({
      status: 403,
      type: 'text/plain; charset=utf-8',
      body: `Forbidden: Host "rebound.example:${port}" is not this server; clipbay answers only 127.0.0.1, localhost and [::1] (add a name with CLIPBAY_ALLOWED_HOSTS).\n`,
    });
    // A Host longer than 100 characters is cut in the answer.
    const long = `${'a'.repeat(120)}:${port}`;
    expect((await answerTo(port, long)).body).toContain(`"${'a'.repeat(100)}"`);
  });

  it('refuses a request with no Host at all (HTTP/1.0 allows that), naming the Host as empty', async () => {
    configured();
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () => socket.end('GET / HTTP/1.0\r\n\r\n'));
      socket.setEncoding('utf8').on('data', (c: string) => (text += c));
      socket.on('end', () => resolve(text)).on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(answer).toContain('\r\n\r\nForbidden: Host "" is not this server;');
  });

  it('with no names configured, answers loopback only; empty names allow nothing', async () => {
    check = hostCheck(port);
    expect(await withHost(port, `localhost:${port}`)).toBe(200);
    expect(await withHost(port, `clipbay.lan:${port}`)).toBe(403);
    check = hostCheck(port, ['', '  ']);
    expect(await withHost(port, `localhost:${port}`)).toBe(200);
    expect(await withHost(port, `:${port}`)).toBe(403);
  });

  it('reads CLIPBAY_ALLOWED_HOSTS as comma-separated names, ignoring spaces and empty entries', () => {
    expect(allowedHostsFromEnv(' clipbay.lan, ,box.local ,')).toEqual(['clipbay.lan', 'box.local']);
    expect(allowedHostsFromEnv(undefined)).toEqual([]);
    expect(allowedHostsFromEnv('')).toEqual([]);
  });
});
