import { NO_HISTORY_TEXT, NO_LEDGER_TEXT } from '../../functions/core/ingress/metered-intake.js';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { DEFAULT_MODEL } from '../../functions/core/models/families.js';
import type { RerunDeps } from '../../functions/core/ingress/rerun-video.js';
import type { WorkflowInput } from '../../functions/core/chat/accepted-command.js';
import {
  startSocketModeLink,
  type SocketModeLink,
  type SocketModeState,
} from '../../local/socket/socket-mode-link.js';
import { slackCommandBody } from '../../local/stack/slack-command.js';
import { FakeSocketModeServer, type Envelope } from '../helpers/fake-socket-mode.js';

async function until(what: string, probe: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10)); // polling, not pacing the code under test
  }
}

function command(trigger: string): Envelope {
  return {
    envelope_id: `env-${trigger}`,
    type: 'slash_commands',
    accepts_response_payload: true,
    payload: Object.fromEntries(
      new URLSearchParams(
        slackCommandBody({ text: 'a corgi', triggerId: trigger, responseUrl: 'http://127.0.0.1:9/hook' }),
      ),
    ),
  };
}

describe('the Socket Mode link (connection state, backoff, logging)', () => {
  let slack: FakeSocketModeServer;
  let link: SocketModeLink | undefined;
  const lines: string[] = [];
  const states: SocketModeState[] = [];
  const started: WorkflowInput[] = [];
  let startVideo: RerunDeps['startVideo'] = async (input) => {
    started.push(input);
    return 'started';
  };

  async function connect(backoff = { firstMs: 20, maxMs: 80 }) {
    slack = new FakeSocketModeServer();
    await slack.start();
    link = startSocketModeLink({
      appToken: 'xapp-1-link',
      slackApiUrl: slack.apiUrl,
      deps: {
        defaultModel: DEFAULT_MODEL,
        now: Date.now,
        startVideo: (input) => startVideo(input),
        findRequest: async () => undefined,
        usage: () => Promise.resolve(NO_LEDGER_TEXT),
        history: () => Promise.resolve(NO_HISTORY_TEXT),
        cancel: () => Promise.resolve({ kind: 'private' as const, text: 'nothing to cancel here' }),
      },
      log: (line) => lines.push(line),
      onStateChange: (state) => states.push(state),
      backoff,
    });
    return link;
  }

  // Nothing from the Socket Mode client, its WebClient or Bolt reaches the console: only `log`.
  let consoleSpies: MockInstance[] = [];
  beforeEach(() => {
    consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => undefined),
    );
  });

  afterEach(async () => {
    await link?.close();
    const printed = consoleSpies.flatMap((spy) => spy.mock.calls);
    for (const spy of consoleSpies) spy.mockRestore();
    expect(printed).toEqual([]);
    await slack.stop();
    link = undefined;
    lines.length = 0;
    states.length = 0;
    started.length = 0;
    startVideo = async (input) => {
      started.push(input);
      return 'started';
    };
  });

  it('backs off while apps.connections.open fails: one line and one call per step, doubling to the cap', async () => {
    await connect();
    slack.openAnswer = { ok: false, error: 'internal_error' };
    await until('five failed attempts', () => lines.length >= 5);
    await link!.close();
    expect(lines.slice(0, 5)).toEqual([
      'Slack Socket Mode: apps.connections.open answered internal_error; retrying in 20 ms',
      'Slack Socket Mode: apps.connections.open answered internal_error; retrying in 40 ms',
      'Slack Socket Mode: apps.connections.open answered internal_error; retrying in 80 ms',
      'Slack Socket Mode: apps.connections.open answered internal_error; retrying in 80 ms',
      'Slack Socket Mode: apps.connections.open answered internal_error; retrying in 80 ms',
    ]);
    // At most one more call than lines: an attempt in flight when the link closed is not logged.
    expect(slack.opens.length - lines.length).toBeGreaterThanOrEqual(0);
    expect(slack.opens.length - lines.length).toBeLessThanOrEqual(1);
    expect(states).toEqual(['off']);
    expect(link!.state).toBe('off');
  });

  it('stops at a refused app token (invalid_auth): one line, state failed, no retry', async () => {
    await connect();
    slack.openAnswer = { ok: false, error: 'invalid_auth' };
    await until('failed', () => link!.state === 'failed');
    expect(lines).toEqual([
      'Slack Socket Mode: Slack refused the app token (invalid_auth): check SLACK_APP_TOKEN ' +
        '(an xapp- token with connections:write). Socket Mode stays off until restarted.',
    ]);
    expect(slack.opens).toHaveLength(1);
  });

  it('logs connected once, reconnects at once on disconnect, and after a dropped connection', async () => {
    await connect();
    await slack.helloOn(1);
    await until('connected', () => link!.state === 'connected');
    slack.requestDisconnect('refresh_requested');
    await slack.helloOn(2);
    await until('connected again', () => states.length === 3 && link!.state === 'connected');
    slack.connections[1]!.socket.terminate(); // no close frame, no disconnect message
    await slack.helloOn(3);
    await until('connected a third time', () => states.length === 5 && link!.state === 'connected');
    expect(states).toEqual(['connected', 'reconnecting', 'connected', 'reconnecting', 'connected']);
    expect(lines).toEqual([
      'Slack Socket Mode: connected: type /video in your workspace',
      'Slack Socket Mode: Slack asked to reconnect (refresh_requested); reconnecting',
      'Slack Socket Mode: connected: type /video in your workspace',
      'Slack Socket Mode: connection lost; reconnecting',
      'Slack Socket Mode: connected: type /video in your workspace',
    ]);
    expect(slack.opens).toHaveLength(3);
    const ack = await slack.send(command('after.3.reconnects'));
    expect(ack.connection).toBe(3);
    expect(started.map((s) => s.id)).toEqual(['after.3.reconnects']);
  });

  it('leaves an envelope unacknowledged when starting the execution fails, and says so once', async () => {
    startVideo = async () => {
      throw new Error('AccessDeniedException: not allowed to states:StartExecution');
    };
    await connect();
    await slack.helloOn(1);
    void slack.send(command('denied.1'));
    await until('the failure line', () => lines.some((l) => l.includes('left unacknowledged')));
    expect(lines.filter((l) => l.includes('left unacknowledged'))).toEqual([
      'Slack Socket Mode: /video failed, left unacknowledged: AccessDeniedException: not allowed to states:StartExecution',
    ]);
    expect(slack.acks).toEqual([]);
  });
});
