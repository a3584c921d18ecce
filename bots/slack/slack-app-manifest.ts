import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** Where manifest.yaml says the stack's request URL goes. */
const PLACEHOLDER = 'REPLACE_WITH_SlackRequestUrl';

/** The parts of a Slack app manifest that point at clipbay. */
export interface SlackManifest {
  display_information: { name: string };
  features?: { slash_commands?: { command: string; url?: string }[] };
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
