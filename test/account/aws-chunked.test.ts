import { describe, expect, it } from 'vitest';
import { decodeAwsChunked } from '../../local/account/services/aws-chunked.js';

/** An `aws-chunked` body as the SDK sends a streaming upload: signed chunk headers and a trailer. */
function encode(payload: Buffer, chunkSize: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < payload.length; i += chunkSize) {
    const chunk = payload.subarray(i, i + chunkSize);
    parts.push(
      Buffer.from(`${chunk.length.toString(16)};chunk-signature=${'0'.repeat(64)}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from('0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n'));
  return Buffer.concat(parts);
}

async function decode(body: Buffer, pieceSize: number): Promise<Buffer> {
  async function* pieces() {
    for (let i = 0; i < body.length; i += pieceSize) yield body.subarray(i, i + pieceSize);
  }
  const out: Buffer[] = [];
  for await (const chunk of decodeAwsChunked(pieces())) out.push(chunk);
  return Buffer.concat(out);
}

describe('aws-chunked bodies', () => {
  const payload = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));

  it.each([1, 7, 8192, 1 << 20])(
    'decodes to the exact payload however the bytes arrive (pieces of %i)',
    async (pieceSize) => {
      expect((await decode(encode(payload, 16_384), pieceSize)).equals(payload)).toBe(true);
    },
  );

  it('refuses a body whose size line is not hex', async () => {
    await expect(decode(Buffer.from('zz\r\nabc\r\n'), 4)).rejects.toThrow(/aws-chunked/);
  });
});
