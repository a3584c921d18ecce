/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/**
 * Splits a multipart/form-data body (RFC 7578) held in memory: enough for the stand-ins of chat
 * APIs, whose bodies are bounded (Discord attachments are at most 10 MiB).
 */
export function parseMultipart(contentType: string, body: Buffer): FormPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]!}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', afterDelimiter);
    const next = body.indexOf(delimiter, headerEnd);
    if (headerEnd === -1 || next === -1) break;
    const headers = body.subarray(afterDelimiter + 2, headerEnd).toString('utf8');
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
    const filename = /filename="([^"]*)"/i.exec(disposition)?.[1];
    parts.push({
      name: /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '',
      ...(filename !== undefined ? { filename } : {}),
      ...(type ? { contentType: type.trim() } : {}),
      // The part's data ends with the CRLF that precedes the next delimiter.
      data: body.subarray(headerEnd + 4, next - 2),
    });
    start = next;
  }
  return parts;
}
