import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

export interface StreamRequest {
  url: string;
  method: 'POST' | 'PATCH';
  /** Include `content-length`: chat APIs want the size up front. */
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array>;
  signal: AbortSignal;
}

export interface StreamAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The answer's body, cut at 64 KB (chat APIs answer with small JSON). */
  text: string;
}

const ANSWER_LIMIT = 64 * 1024;

/**
 * Sends a request whose body is a stream, written only as fast as the connection takes it. Not
 * `fetch`: Node 20's fetch reads a stream body ahead of the socket, so a 1 GiB clip would pass
 * through memory whole (measured: RSS grew with the file). An early answer (413 before the body
 * is done) is returned even though the rest of the body could not be written.
 */
export async function sendStream(request: StreamRequest): Promise<StreamAnswer> {
  const url = new URL(request.url);
  const outgoing = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
  });
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    outgoing.once('response', resolve);
    outgoing.once('error', reject);
  });
  const [sent, response] = await Promise.allSettled([
    pipeline(Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>), outgoing),
    answered,
  ]);
  if (response.status === 'rejected') throw response.reason;
  if (sent.status === 'rejected' && response.value.statusCode! < 400) throw sent.reason;
  return {
    status: response.value.statusCode!,
    headers: response.value.headers,
    text: await readAnswer(response.value),
  };
}

async function readAnswer(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    if (size < ANSWER_LIMIT) chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, ANSWER_LIMIT);
}
