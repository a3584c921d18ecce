import { randomBytes } from 'node:crypto';
import type { FakeChatServer } from './fake-chat-api.js';

/** A file shared in a fake channel. */
interface SharedFile {
  bytes: Buffer;
  contentType: string;
  /** The Authorization header that may read it (Slack's private files); none for Discord's CDN. */
  authorization?: string | undefined;
  /** Sent chunked, with no Content-Length (its size is known only once it is read). */
  chunked?: boolean | undefined;
}

/**
 * Files people shared in chat, served by the fake chat API as the platforms serve them: a Slack
 * private file (`url_private`) only with the bot token (without it Slack answers its sign-in page,
 * HTML with status 200), a Discord attachment by its signed CDN link. Each read is recorded by the
 * fake like any request.
 */
export class FakeChatFiles {
  private readonly files = new Map<string, SharedFile>();

  constructor(private readonly chat: FakeChatServer) {
    chat.handle(/^GET \/files\/[\w-]+\/[^/]+$/, async (request) => {
      const file = this.files.get(request.path.split('?')[0]!);
      if (!file)
        return { status: 404, raw: Buffer.from('Not found'), headers: { 'content-type': 'text/plain' } };
      if (file.authorization && request.headers.authorization !== file.authorization)
        return {
          raw: Buffer.from('<!DOCTYPE html><html><body>Sign in to Slack</body></html>'),
          headers: { 'content-type': 'text/html; charset=utf-8' },
        };
      return {
        raw: file.bytes,
        headers: {
          'content-type': file.contentType,
          ...(file.chunked ? { 'transfer-encoding': 'chunked' } : {}),
        },
      };
    });
  }

  /** Shares a file; its URL on the fake's host. */
  share(
    name: string,
    bytes: Buffer,
    contentType: string,
    authorization?: string,
    options: { chunked?: boolean } = {},
  ): string {
    const path = `/files/${randomBytes(6).toString('hex')}/${encodeURIComponent(name)}`;
    this.files.set(path, { bytes, contentType, authorization, chunked: options.chunked });
    return `${this.chat.url}${path}`;
  }
}
