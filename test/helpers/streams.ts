import type { Readable } from 'node:stream';

/** Collects a Node or web stream into one buffer: for assertions on small test clips only. */
export async function collect(stream: Readable | ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
