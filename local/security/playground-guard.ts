import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header the playground page sends its token in, and the meta tag the page reads it from. */
export const PLAYGROUND_TOKEN_HEADER = 'x-clipbay-token';
export const PLAYGROUND_TOKEN_META = 'clipbay-token';

/**
 * What keeps other web pages from spending the user's TokenBay key through the playground: a
 * state-changing request must come from the playground's own page. It must carry
 * - an Origin (or, without one, a Referer) equal to the server's own origin;
 * - `Content-Type: application/json`, which a cross-site page cannot send without a CORS
 *   preflight, and the server never grants one (it sends no CORS headers at all);
 * - the per-process token that only the playground page itself can read (served inside it).
 */
export class PlaygroundGuard {
  readonly token = randomBytes(32).toString('hex');

  /** Undefined when the request may go on; otherwise the one-line reason for a 403. */
  problem(req: IncomingMessage): string | undefined {
    const host = req.headers.host ?? '';
    const ownOrigin = `http://${host}`;
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (origin !== ownOrigin)
        return `Forbidden: the playground accepts commands only from its own page (${ownOrigin}), not from ${origin.slice(0, 100)}.`;
    } else {
      const referer = req.headers.referer;
      if (!referer || !(referer === ownOrigin || referer.startsWith(`${ownOrigin}/`)))
        return `Forbidden: the playground accepts commands only from its own page (${ownOrigin}).`;
    }
    if (!/^application\/json(\s*;|$)/i.test(req.headers['content-type'] ?? ''))
      return 'Forbidden: the playground accepts commands only as application/json from its own page.';
    const sent = Buffer.from(String(req.headers[PLAYGROUND_TOKEN_HEADER] ?? ''));
    const expected = Buffer.from(this.token);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected))
      return 'Forbidden: the playground token is missing or wrong; reload the playground page.';
    return undefined;
  }

  /** The page with its token in a meta tag, for its own script to send back. */
  pageWithToken(html: string): string {
    return html.replace(
      '<head>',
      `<head>\n    <meta name="${PLAYGROUND_TOKEN_META}" content="${this.token}" />`,
    );
  }
}
