import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** What Slack sends over a Socket Mode connection, as the app receives it. */
export interface Envelope {
  envelope_id: string;
  type: 'slash_commands' | 'interactive' | 'events_api';
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
  /** Which connection it came over (1-based, in order of opening). */
  connection: number;
  /** ms since the envelope was sent. */
  afterMs: number;
}

interface Connection {
  id: number;
  socket: WebSocket;
  /** Slack sent `disconnect` on it: no new envelopes go there. */
  retiring: boolean;
  /** Every frame sent to the app, parsed. */
  sent: Record<string, unknown>[];
}

/**
 * Stands in for Slack's Socket Mode: `POST /api/apps.connections.open` (the app-level token as
 * Bearer) returns a one-use `ws://` URL on this server; a WebSocket there gets `hello`, then the
 * envelopes the test sends, and the app's acks (`{ envelope_id, payload }`) are recorded. Like
 * Slack, an envelope goes to an open connection that was not asked to disconnect; with none, it
 * waits for the next `hello`, and one sent on a connection that closes unacknowledged is sent again
 * on the next. Other Web API methods answer `{ ok: true }`.
 */
export class FakeSocketModeServer extends EventEmitter {
  /** Every apps.connections.open call, with its Authorization header. */
  readonly opens: { authorization: string | undefined }[] = [];
  /** Every other Web API call (path). */
  readonly webApiCalls: string[] = [];
  readonly acks: Ack[] = [];
  readonly connections: Connection[] = [];
  /** Answer apps.connections.open with this instead (e.g. `{ ok: false, error: 'invalid_auth' }`). */
  openAnswer: Record<string, unknown> | undefined;
  url = '';
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly tickets = new Set<string>();
  private readonly waiting: Envelope[] = [];
  private readonly inFlight = new Map<Connection, { envelope: Envelope; sentAt: number }[]>();
  private readonly ackWaiters: { envelopeId: string; resolve: (ack: Ack) => void }[] = [];
  private ticketCount = 0;

  /** SLACK_API_URL for the app. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(): Promise<void> {
    this.wss = new WebSocketServer({ noServer: true });
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', this.url).pathname;
        let answer: Record<string, unknown> = { ok: true };
        if (req.method === 'POST' && path === '/api/apps.connections.open') {
          this.opens.push({ authorization: req.headers.authorization });
          answer = this.openAnswer ?? this.openConnection(req);
          this.emit('open-called', this.opens.length);
        } else this.webApiCalls.push(path);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    this.server.on('upgrade', (req, socket, head) => {
      const ticket = new URL(req.url ?? '/', this.url).searchParams.get('ticket') ?? '';
      if (!this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private openConnection(req: IncomingMessage): Record<string, unknown> {
    if (!req.headers.authorization?.startsWith('Bearer xapp-')) return { ok: false, error: 'not_authed' };
    const ticket = `ticket-${++this.ticketCount}`;
    this.tickets.add(ticket);
    return { ok: true, url: `${this.url.replace('http:', 'ws:')}/link/?ticket=${ticket}` };
  }

  private accept(socket: WebSocket): void {
    const connection: Connection = { id: this.connections.length + 1, socket, retiring: false, sent: [] };
    this.connections.push(connection);
    this.inFlight.set(connection, []);
    socket.on('message', (data) => this.onAck(connection, String(data)));
    socket.on('close', () => {
      // Slack sends unacknowledged envelopes again, on another connection.
      const unacked = this.inFlight.get(connection)!.map((f) => f.envelope);
      this.inFlight.delete(connection);
      this.waiting.unshift(...unacked);
      this.emit('closed', connection.id);
      this.flush();
    });
    this.sendFrame(connection, {
      type: 'hello',
      num_connections: this.live().length + 1,
      debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18060 },
      connection_info: { app_id: 'A0FAKEAPP' },
    });
    this.emit('hello', connection.id);
    this.flush();
  }

  private live(): Connection[] {
    return this.connections.filter((c) => !c.retiring && c.socket.readyState === c.socket.OPEN);
  }

  private sendFrame(connection: Connection, frame: Record<string, unknown>): void {
    connection.sent.push(frame);
    connection.socket.send(JSON.stringify(frame));
  }

  private flush(): void {
    const connection = this.live().at(-1);
    if (!connection) return;
    for (const envelope of this.waiting.splice(0)) {
      this.inFlight.get(connection)!.push({ envelope, sentAt: performance.now() });
      this.sendFrame(connection, envelope as unknown as Record<string, unknown>);
    }
  }

  private onAck(connection: Connection, text: string): void {
    const message = JSON.parse(text) as { envelope_id: string; payload?: Record<string, unknown> };
    const flights = this.inFlight.get(connection) ?? [];
    const index = flights.findIndex((f) => f.envelope.envelope_id === message.envelope_id);
    const flight = index >= 0 ? flights.splice(index, 1)[0] : undefined;
    const ack: Ack = {
      envelope_id: message.envelope_id,
      ...(message.payload ? { payload: message.payload } : {}),
      connection: connection.id,
      afterMs: flight ? performance.now() - flight.sentAt : NaN,
    };
    this.acks.push(ack);
    const waiter = this.ackWaiters.findIndex((w) => w.envelopeId === message.envelope_id);
    if (waiter >= 0) this.ackWaiters.splice(waiter, 1)[0]!.resolve(ack);
  }

  /**
   * Sends an envelope (now, or at the next hello) and resolves with the app's ack of it. Sending
   * the same envelope again is Slack's retry of it.
   */
  send(envelope: Envelope): Promise<Ack> {
    const acked = new Promise<Ack>((resolve) =>
      this.ackWaiters.push({ envelopeId: envelope.envelope_id, resolve }),
    );
    this.waiting.push(envelope);
    this.flush();
    return acked;
  }

  /** `{"type":"disconnect","reason":…}` on the newest connection; no envelopes go there after it. */
  requestDisconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled'): number {
    const connection = this.live().at(-1);
    if (!connection) throw new Error('no open Socket Mode connection');
    connection.retiring = true;
    this.sendFrame(connection, { type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } });
    return connection.id;
  }

  /** Resolves when connection number `n` (1-based) has been sent its hello. */
  async helloOn(n: number): Promise<void> {
    while (this.connections.length < n) await once(this, 'hello');
  }

  /** Resolves when connection number `n` has closed. */
  async closedOn(n: number): Promise<void> {
    const connection = this.connections[n - 1];
    if (connection && connection.socket.readyState === connection.socket.CLOSED) return;
    while ((await once(this, 'closed'))[0] !== n);
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.socket.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
