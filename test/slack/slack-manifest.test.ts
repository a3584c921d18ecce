import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { VIDEO_COMMAND } from '../../bots/slack/slack-ingress.js';
import { SLACK_BOT_SCOPES } from '../../bots/slack/slack-scopes.js';
import { ANIMATE_SHORTCUT } from '../../bots/slack/slack-animate.js';

type Manifest = {
  features: {
    slash_commands: { command: string; url?: string }[];
    shortcuts: { type: string; callback_id: string; name: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { socket_mode_enabled: boolean; interactivity: { request_url?: string } };
};

/** chat:write.public: the result reaches public channels the bot was never invited to. */
const SCOPES = ['commands', 'chat:write', 'chat:write.public', 'files:write', 'files:read'];

const read = async (file: string) =>
  parse(await readFile(new URL(`../../bots/slack/${file}`, import.meta.url), 'utf8')) as Manifest;

describe('Slack app manifests', () => {
  it('declare /video with the scopes clipbay uses, pointing at the stack output', async () => {
    const manifest = await read('manifest.yaml');
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: VIDEO_COMMAND, url: 'REPLACE_WITH_SlackRequestUrl' }),
    ]);
    expect(manifest.oauth_config.scopes.bot).toEqual(SCOPES);
    // connect and doctor name each missing scope with its reason from this list.
    expect(SLACK_BOT_SCOPES.map((s) => s.scope)).toEqual(SCOPES);
    expect(manifest.settings.interactivity.request_url).toBe('REPLACE_WITH_SlackRequestUrl');
    // Animate: a message shortcut, answered through Interactivity.
    expect(manifest.features.shortcuts).toEqual([
      { name: 'Animate', type: 'message', callback_id: ANIMATE_SHORTCUT, description: expect.any(String) },
    ]);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('has a Socket Mode variant with no request URLs', async () => {
    const manifest = await read('manifest.socket-mode.yaml');
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.features.shortcuts).toEqual((await read('manifest.yaml')).features.shortcuts);
    expect(manifest.features.slash_commands[0]).not.toHaveProperty('url');
    expect(manifest.oauth_config.scopes.bot).toEqual(SCOPES);
    // connect and doctor name each missing scope with its reason from this list.
    expect(SLACK_BOT_SCOPES.map((s) => s.scope)).toEqual(SCOPES);
  });
});
