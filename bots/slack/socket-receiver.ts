import { LogLevel, SocketModeReceiver, type Logger } from '@slack/bolt';

export interface SocketReceiverOptions {
  /** The app-level token (`xapp-…`, connections:write). */
  appToken: string;
  /** Where `apps.connections.open` is called: SLACK_API_URL (default https://slack.com/api/). */
  slackApiUrl: string;
  /** Cancels a pending `apps.connections.open` when the connection is being shut down. */
  signal: AbortSignal;
  /** A listener threw (the envelope stays unacknowledged): the caller logs it, with what it was. */
  onListenerError: (error: Error, what: string) => void;
  /** How long one `apps.connections.open` call may take. */
  requestTimeoutMs?: number;
}

/** Drops everything: the Socket Mode client and its WebClient log every attempt and frame. */
const QUIET: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/**
 * A Socket Mode receiver for `createSlackApp` whose caller owns the connection's life: one
 * `apps.connections.open` call per `client.start()` (no hidden retries), no automatic reconnect,
 * no log output. The caller retries with its own backoff and logs state changes once.
 */
export function socketModeReceiver(options: SocketReceiverOptions): SocketModeReceiver {
  const { signal } = options;
  return new SocketModeReceiver({
    appToken: options.appToken,
    logger: QUIET,
    autoReconnectEnabled: false,
    installerOptions: {
      // Bolt hands these to @slack/socket-mode's WebClient, which calls apps.connections.open.
      clientOptions: {
        slackApiUrl: options.slackApiUrl,
        retryConfig: { retries: 0 },
        timeout: options.requestTimeoutMs ?? 10_000,
        fetch: (url, init) =>
          fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }),
      },
    },
    processEventErrorHandler: async ({ error, event }) => {
      const body = event.body as { command?: string; type?: string } | undefined;
      options.onListenerError(error, body?.command ?? body?.type ?? 'an envelope');
      return false;
    },
  });
}
