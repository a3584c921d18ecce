import type { IncomingMessage, ServerResponse } from 'node:http';

/** Host names the local servers answer to; anything else is refused (DNS rebinding). */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Every local endpoint answers only requests addressed to this machine by name: a `Host` of
 * 127.0.0.1, localhost or [::1] with the server's own port, or a name in CLIPBAY_ALLOWED_HOSTS.
 * A page that rebinds its own domain to 127.0.0.1 still sends its own name as Host, so it is
 * refused (the same check as Vite's `server.allowedHosts` and webpack-dev-server's).
 */
export function hostCheck(port: number, extraHosts: readonly string[] = []) {
  const allowed = new Set(
    [...LOOPBACK_NAMES, ...extraHosts.map((h) => h.trim().toLowerCase()).filter(Boolean)].map(
      (name) => `${name}:${port}`,
    ),
  );
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const host = (req.headers.host ?? '').toLowerCase();
    if (allowed.has(host)) return true;
    res
      .writeHead(403, { 'content-type': 'text/plain; charset=utf-8' })
      .end(
        `Forbidden: Host "${host.slice(0, 100)}" is not this server; clipbay answers only 127.0.0.1, localhost and [::1] (add a name with CLIPBAY_ALLOWED_HOSTS).\n`,
      );
    req.resume();
    return false;
  };
}

/** CLIPBAY_ALLOWED_HOSTS: comma-separated host names (no ports) to accept besides loopback. */
export function allowedHostsFromEnv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
}
