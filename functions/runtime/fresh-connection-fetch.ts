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
 */
export const freshConnectionFetch = ((input: string | URL, init: RequestInit = {}) =>
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
    req.on('error', (error) => reject(init.signal?.aborted ? (init.signal.reason ?? error) : error));
    req.end(init.body ?? undefined);
  })) as typeof fetch;

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
