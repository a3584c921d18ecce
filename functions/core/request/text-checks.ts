import { BlockList, isIP } from 'node:net';

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

/**
 * Networks TokenBay must never be pointed at: loopback, link-local (cloud metadata), private ranges.
 * Built per check (ten entries, microseconds) rather than once at import, so that the mutation runs
 * score this list: Stryker cannot attribute code that runs at import time to any test.
 */
function internalNetworks(): BlockList {
  const networks = new BlockList();
  networks.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network"; 0.0.0.0 reaches the host itself
  networks.addSubnet('10.0.0.0', 8, 'ipv4');
  networks.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
  networks.addSubnet('127.0.0.0', 8, 'ipv4');
  networks.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local: 169.254.169.254 is the cloud metadata service
  networks.addSubnet('172.16.0.0', 12, 'ipv4');
  networks.addSubnet('192.0.0.0', 24, 'ipv4'); // IETF protocol assignments
  networks.addSubnet('192.168.0.0', 16, 'ipv4');
  networks.addSubnet('198.18.0.0', 15, 'ipv4'); // benchmarking
  networks.addSubnet('224.0.0.0', 3, 'ipv4'); // multicast, reserved and broadcast (224/4 and 240/4)
  networks.addSubnet('::', 96, 'ipv6'); // ::, ::1 and IPv4-compatible (::127.0.0.1)
  networks.addSubnet('::ffff:0:0:0', 96, 'ipv6'); // SIIT-translated IPv4 (::ffff:0:a.b.c.d)
  networks.addSubnet('64:ff9b::', 96, 'ipv6'); // NAT64, which reaches any IPv4 address
  networks.addSubnet('64:ff9b:1::', 48, 'ipv6'); // local-use NAT64
  networks.addSubnet('2002::', 16, 'ipv6'); // 6to4, which embeds an IPv4 address
  networks.addSubnet('fc00::', 7, 'ipv6'); // unique local
  networks.addSubnet('fe80::', 9, 'ipv6'); // link-local (fe80::/10) and the old site-local (fec0::/10)
  networks.addSubnet('ff00::', 8, 'ipv6'); // multicast
  return networks;
}

/**
 * Whether a URL's host is internal. The URL parser has already lower-cased the name, put IPv6 in
 * brackets and written every IPv4 form (`2130706433`, `0x7f.1`, `127.1`) as four decimal octets;
 * BlockList also matches IPv4-mapped IPv6 (`[::ffff:127.0.0.1]`, which the parser writes
 * `[::ffff:7f00:1]`) against the IPv4 networks; the IPv6 forms that carry an IPv4 address some other
 * way (NAT64, 6to4, IPv4-compatible, SIIT) are refused whole. Trailing dots (`localhost.`) still
 * name the same host. Only literal addresses and reserved names are checked: a name is not resolved.
 */
function isInternalHost(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname.replace(/\.+$/, '');
  const family = isIP(host);
  if (family !== 0) return internalNetworks().check(host, family === 4 ? 'ipv4' : 'ipv6');
  return host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal');
}

export function imageUrlProblem(
  label: string,
  value: string,
  copiedHosts: readonly string[] = [],
): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `The ${label} "${truncate(value)}" is not a URL: give a full https:// link to an image.`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `The ${label} must be an http(s) link, not ${url.protocol.replace(':', '')}:.`;
  if (url.username || url.password) return `The ${label} must not contain a user name or password.`;
  if (isInternalHost(url.hostname) && !copiedHosts.includes(url.host))
    return `The ${label} points at a private or local address (${url.hostname}); use a public image link.`;
  return undefined;
}

/**
 * A link as the URL parser writes it (`https://e.com\\@127.0.0.1/` → `https://e.com/@127.0.0.1/`), so
 * TokenBay gets exactly the URL imageUrlProblem checked, whatever its own parser makes of the
 * original text. Text that is not a URL is returned as it is (imageUrlProblem has refused it).
 */
export function normalizeLink(value: string): string {
  return URL.canParse(value) ? new URL(value).href : value;
}

function truncate(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
