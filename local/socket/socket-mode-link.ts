import { createSlackApp } from '../../bots/slack/slack-ingress.js';
import { socketModeReceiver } from '../../bots/slack/socket-receiver.js';
import type { RerunDeps } from '../../functions/core/ingress/rerun-video.js';

/** Where the Slack Socket Mode connection stands (`/healthz` reports it; `off`: no SLACK_APP_TOKEN, or closed). */
export type SocketModeState = 'off' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface SocketModeLinkOptions {
  /** SLACK_APP_TOKEN (`xapp-…`, connections:write). */
  appToken: string;
  /** SLACK_API_URL: where `apps.connections.open` is called (and the form's views.open). */
  slackApiUrl: string;
  /** SLACK_BOT_TOKEN: lets `/video` alone open the form; without it, it answers with help. */
  botToken?: string | undefined;
  /** How commands and buttons start executions (the local account's, or a deployed state machine). */
  deps: RerunDeps;
  /** One line per state change or failed attempt, never per frame. */
  log: (line: string) => void;
  onStateChange?: (state: SocketModeState) => void;
  /** Wait after the first failed attempt, doubling up to `maxMs` (default 1 s to 30 s). */
  backoff?: { firstMs: number; maxMs: number };
}

export interface SocketModeLink {
  readonly state: SocketModeState;
  close(): Promise<void>;
}

/** apps.connections.open errors that no retry fixes: the token itself is refused. */
const REFUSED_TOKEN = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'user_removed_from_team',
  'team_disabled',
]);

/**
 * Slack over Socket Mode, in the background: `/video` and the Re-roll button through the same
 * Bolt listeners as the HTTP route, starting executions with `deps`. Never blocks its caller:
 * it connects, retries with backoff while Slack cannot be reached (one log line per attempt),
 * reconnects at once when Slack asks (`disconnect`, e.g. `refresh_requested`), and stops trying
 * only when Slack refuses the app token.
 */
export function startSocketModeLink(options: SocketModeLinkOptions): SocketModeLink {
  const { log } = options;
  const backoff = options.backoff ?? { firstMs: 1000, maxMs: 30_000 };
  const stop = new AbortController();
  let state: SocketModeState = 'connecting';
  const setState = (next: SocketModeState) => {
    if (state === next) return;
    state = next;
    options.onStateChange?.(next);
  };

  const receiver = socketModeReceiver({
    appToken: options.appToken,
    slackApiUrl: options.slackApiUrl,
    signal: stop.signal,
    onListenerError: (error, what) =>
      log(`Slack Socket Mode: ${what} failed, left unacknowledged: ${error.message}`),
  });
  const app = createSlackApp(receiver, options.deps, {
    botToken: options.botToken,
    apiUrl: options.slackApiUrl,
  });
  // Bolt would print each listener error with its stack; the receiver's handler logs one line.
  app.error(async (error) => {
    throw (error as { original?: Error }).original ?? error;
  });
  const client = receiver.client;

  // What the client saw, for the one line logged per attempt.
  let socketError: string | undefined;
  let disconnectReason: string | undefined;
  client.on('error', (error: Error) => (socketError = error.message));
  client.on('ws_message', (data: unknown) => {
    if (typeof data !== 'string' || !data.includes('"disconnect"')) return;
    try {
      const message = JSON.parse(data) as { type?: string; reason?: string };
      if (message.type === 'disconnect') disconnectReason = message.reason ?? 'no reason given';
    } catch {
      // not JSON: the client ignores it too
    }
  });

  const run = async () => {
    let failures = 0;
    let everConnected = false;
    while (!stop.signal.aborted) {
      socketError = undefined;
      disconnectReason = undefined;
      let onClosed!: () => void;
      const closed = new Promise<void>((resolve) => (onClosed = () => resolve()));
      client.on('disconnected', onClosed);
      try {
        await client.start();
      } catch (error) {
        client.off('disconnected', onClosed);
        if (stop.signal.aborted) break;
        const refused = refusedToken(error);
        if (refused) {
          setState('failed');
          log(
            `Slack Socket Mode: Slack refused the app token (${refused}): check SLACK_APP_TOKEN ` +
              `(an xapp- token with connections:write). Socket Mode stays off until restarted.`,
          );
          return;
        }
        failures++;
        const waitMs = Math.min(backoff.firstMs * 2 ** (failures - 1), backoff.maxMs);
        setState(everConnected ? 'reconnecting' : 'connecting');
        log(
          `Slack Socket Mode: ${describeFailure(error, socketError, options.slackApiUrl)}; ` +
            `retrying in ${seconds(waitMs)}`,
        );
        await pause(waitMs, stop.signal);
        continue;
      }
      if (stop.signal.aborted) {
        // Connected just as it was being closed.
        client.off('disconnected', onClosed);
        await client.disconnect();
        break;
      }
      failures = 0;
      everConnected = true;
      setState('connected');
      log('Slack Socket Mode: connected: type /video in your workspace');
      await closed;
      client.off('disconnected', onClosed);
      if (stop.signal.aborted) break;
      setState('reconnecting');
      log(
        disconnectReason
          ? `Slack Socket Mode: Slack asked to reconnect (${disconnectReason}); reconnecting`
          : `Slack Socket Mode: connection lost${socketError ? ` (${socketError})` : ''}; reconnecting`,
      );
    }
  };
  const running = run().catch((error: unknown) => {
    setState('failed');
    log(`Slack Socket Mode: stopped: ${(error as Error).message}`);
  });

  let closing: Promise<void> | undefined;
  return {
    get state() {
      return state;
    },
    close() {
      closing ??= (async () => {
        stop.abort();
        await bounded(client.disconnect(), 3000);
        await bounded(running, 1000);
        setState('off');
      })();
      return closing;
    },
  };
}

/** The Slack error code when Slack refused the token itself, else undefined. */
function refusedToken(error: unknown): string | undefined {
  const { code, data } = (error ?? {}) as { code?: string; data?: { error?: string } };
  return code === 'slack_webapi_platform_error' && data?.error && REFUSED_TOKEN.has(data.error)
    ? data.error
    : undefined;
}

/** One line: why this attempt failed. */
function describeFailure(error: unknown, socketError: string | undefined, slackApiUrl: string): string {
  if (error === undefined)
    return `the connection closed before Slack said hello${socketError ? ` (${socketError})` : ''}`;
  const e = error as Error & {
    code?: string;
    original?: Error & { cause?: { code?: string; message?: string } };
    statusCode?: number;
    data?: { error?: string };
  };
  if (e.code === 'slack_webapi_request_error') {
    const original = e.original;
    const why =
      original?.name === 'TimeoutError'
        ? 'timed out'
        : (original?.cause?.code ?? original?.cause?.message ?? original?.message ?? e.message);
    return `cannot reach Slack at ${slackApiUrl} (${why})`;
  }
  if (e.code === 'slack_webapi_http_error')
    return `apps.connections.open answered HTTP ${e.statusCode ?? '?'} (${slackApiUrl})`;
  if (e.code === 'slack_webapi_platform_error')
    return `apps.connections.open answered ${e.data?.error ?? 'an error'}`;
  return e.message ?? String(error);
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

/** Waits `ms`, or less if the link is closed meanwhile. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Waits for `promise`, at most `ms` (a peer that never completes the close handshake). */
async function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
