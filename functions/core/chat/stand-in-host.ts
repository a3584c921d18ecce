/**
 * The host of a platform's API URL when it is not the platform's own domain (a local stand-in,
 * a proxy): it then serves the platform's files too. Empty for the real API.
 */
export function standInHost(apiUrl: string, ownDomain: string): string[] {
  const { host, hostname } = new URL(apiUrl);
  return hostname === ownDomain || hostname.endsWith(`.${ownDomain}`) ? [] : [host];
}
