import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

/**
 * `fetch` over a connection of its own, closed once the answer is read: no pooled connection is
 * ever reused. For the one request that must not be sent twice (TokenBay's submit): Lambda freezes
 * an environment between invocations, and a kept-alive connection that the network dropped
 * silently meanwhile takes the next request's bytes and then hangs or resets, after they may have
 * left ("maybe sent", never retried). On a new connection, a failure to connect proves the request
 * was not sent (ECONNREFUSED and the like: retried safely).
 *
 * Supports what the TokenBay client uses: a string or URL, method, headers, a string body, signal.
 * A connection not open within CONNECT_TIMEOUT_MS fails with undici's connect-timeout code, as
 * fetch's does: nothing was written, so the client counts it "not sent".
 */
/** How long opening the connection (TCP and TLS) may take: fetch's (undici's) default. */
export const CONNECT_TIMEOUT_MS = 10_000;

export const freshConnectionFetch = freshConnectionFetchWith(CONNECT_TIMEOUT_MS);

/** The same, with another connect timeout (tests). */
export function freshConnectionFetchWith(connectTimeoutMs: number): typeof fetch {
  return ((input: string | URL, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(String(input));
      if (init.body !== undefined && init.body !== null && typeof init.body !== 'string')
        throw new TypeError('freshConnectionFetch sends string bodies only.');
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: init.method ?? 'GET',
          headers: { ...Object.fromEntries(new Headers(init.headers).entries()), connection: 'close' },
          agent: false,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => resolve(toResponse(res)),
      );
      let connected = false;
      const connecting = setTimeout(() => {
        if (!connected)
          req.destroy(
            Object.assign(new Error(`Connect timeout after ${connectTimeoutMs} ms`), {
              code: 'UND_ERR_CONNECT_TIMEOUT',
            }),
          );
      }, connectTimeoutMs);
      req.on('socket', (socket) =>
        socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
          connected = true;
          clearTimeout(connecting);
        }),
      );
      req.on('close', () => clearTimeout(connecting));
      req.on('error', (error) => {
        clearTimeout(connecting);
        // Aborted before the connection opened: not one byte was written.
        if (init.signal?.aborted && !connected)
          return reject(
            Object.assign(new Error('Aborted before connecting'), {
              code: 'UND_ERR_CONNECT_TIMEOUT',
              cause: error,
            }),
          );
        reject(init.signal?.aborted ? (init.signal.reason ?? error) : error);
      });
      req.end(init.body ?? undefined);
    })) as typeof fetch;
}

function toResponse(res: IncomingMessage): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers))
    for (const one of [value ?? []].flat()) headers.append(name, one);
  const status = res.statusCode ?? 502;
  const empty = status === 204 || status === 304;
  if (empty) res.resume();
  return new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
    status,
    statusText: res.statusMessage ?? '',
    headers,
  });
}
