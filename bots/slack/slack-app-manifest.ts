import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** Where manifest.yaml says the stack's request URL goes. */
const PLACEHOLDER = 'REPLACE_WITH_SlackRequestUrl';

/** The parts of a Slack app manifest that point at clipbay. */
export interface SlackManifest {
  display_information: { name: string };
  features?: {
    slash_commands?: { command: string; url?: string }[];
    shortcuts?: { callback_id: string; type: string }[];
  };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: { interactivity?: { request_url?: string } };
  [key: string]: unknown;
}

/** clipbay's app manifest (manifest.yaml) with the stack's request URL filled in, as JSON for the API. */
export async function clipbayManifest(requestUrl: string): Promise<SlackManifest> {
  const text = await readFile(new URL('./manifest.yaml', import.meta.url), 'utf8');
  return parse(text.replaceAll(PLACEHOLDER, requestUrl)) as SlackManifest;
}

/** Every request URL the manifest points Slack at (slash commands and interactivity). */
export function manifestRequestUrls(manifest: SlackManifest): string[] {
  return [
    ...(manifest.features?.slash_commands ?? []).map((command) => command.url ?? ''),
    manifest.settings?.interactivity?.request_url ?? '',
  ];
}

/** The manifest with every request URL pointed at `requestUrl` (the rest as the app has it). */
export function pointedAt(manifest: SlackManifest, requestUrl: string): SlackManifest {
  return {
    ...manifest,
    features: {
      ...manifest.features,
      slash_commands: (manifest.features?.slash_commands ?? []).map((command) => ({
        ...command,
        url: requestUrl,
      })),
    },
    settings: {
      ...manifest.settings,
      interactivity: { ...manifest.settings?.interactivity, request_url: requestUrl },
    },
  };
}

/** What an app's manifest lacks of clipbay's: its request URLs, shortcuts or bot scopes. */
export function manifestDifferences(live: SlackManifest, wanted: SlackManifest): string[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const sorted = (list: string[] | undefined) => [...(list ?? [])].sort();
  const shortcuts = (m: SlackManifest) =>
    sorted((m.features?.shortcuts ?? []).map((s) => `${s.type}:${s.callback_id}`));
  return [
    ...(same(manifestRequestUrls(live), manifestRequestUrls(wanted)) ? [] : ['request URLs']),
    ...(same(shortcuts(live), shortcuts(wanted)) ? [] : ['shortcuts']),
    ...(same(sorted(live.oauth_config?.scopes?.bot), sorted(wanted.oauth_config?.scopes?.bot))
      ? []
      : ['scopes']),
  ];
}
