/**
 * Decodes an `aws-chunked` body (what the AWS SDKs send for streaming uploads with
 * `x-amz-content-sha256: STREAMING-…`): `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` repeated, a
 * zero-size chunk, then optional trailers (checksums). Yields only the payload bytes.
 */
export async function* decodeAwsChunked(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let buffer: Buffer = Buffer.alloc(0);
  let remaining = -1; // bytes left in the current chunk; -1: expecting a size line
  for await (const piece of source) {
    buffer = buffer.length ? Buffer.concat([buffer, piece]) : piece;
    for (;;) {
      if (remaining === -1) {
        const end = buffer.indexOf('\r\n');
        if (end === -1) break;
        const line = buffer.subarray(0, end).toString('latin1');
        const size = parseInt(line.split(';')[0]!, 16);
        if (!Number.isFinite(size) || size < 0)
          throw new Error(`Bad aws-chunked size line: ${line.slice(0, 40)}`);
        buffer = buffer.subarray(end + 2);
        if (size === 0) return; // trailers follow; nothing more of the payload
        remaining = size;
      }
      if (remaining > 0) {
        if (!buffer.length) break;
        const take = Math.min(remaining, buffer.length);
        yield buffer.subarray(0, take);
        buffer = buffer.subarray(take);
        remaining -= take;
      }
      if (remaining === 0) {
        if (buffer.length < 2) break;
        buffer = buffer.subarray(2); // the CRLF after the chunk
        remaining = -1;
      }
    }
  }
}
