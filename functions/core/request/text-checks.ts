/**
 * Checks on free text and URLs typed by users. Each returns a problem written for the user, or
 * undefined when the value is fine.
 */

// C0 controls except tab and newline, DEL, and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// Bidirectional overrides and isolates, which can make a prompt display differently than it reads.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/;

export function textProblem(label: string, text: string, maxLength: number): string | undefined {
  if (text.trim().length === 0) return `The ${label} is empty: describe the video you want.`;
  if (text.length > maxLength)
    return `The ${label} is ${text.length.toLocaleString('en-US')} characters long; the limit is ${maxLength.toLocaleString('en-US')}.`;
  if (text.includes('\u0000')) return `The ${label} contains a null byte; remove it and try again.`;
  if (CONTROL_CHARACTERS.test(text))
    return `The ${label} contains invisible control characters; retype it as plain text.`;
  if (BIDI_CONTROLS.test(text))
    return `The ${label} contains right-to-left override characters; retype it as plain text.`;
  return undefined;
}

/** Hosts TokenBay must never be pointed at: loopback, link-local (cloud metadata), private ranges. */
function isInternalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal')) return true;
  if (
    host === '::' ||
    host === '::1' ||
    host.startsWith('fe80:') ||
    host.startsWith('fc') ||
    host.startsWith('fd')
  )
    return true;
  if (host.startsWith('::ffff:')) return isInternalHost(host.slice('::ffff:'.length));
  const octets = host.split('.');
  if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o))) return false;
  const [a, b] = octets.map(Number) as [number, number, number, number];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

export function imageUrlProblem(label: string, value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `The ${label} "${truncate(value)}" is not a URL: give a full https:// link to an image.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `The ${label} must be an http(s) link, not ${url.protocol.replace(':', '')}:.`;
  if (url.username || url.password) return `The ${label} must not contain a user name or password.`;
  if (isInternalHost(url.hostname))
    return `The ${label} points at a private or local address (${url.hostname}); use a public image link.`;
  return undefined;
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
