/**
 * The venue on real sockets: one HTTP server for the REST API and the
 * WebSocket API at /ws-api/v3 (ws), on 127.0.0.1 unless told otherwise.
 * The venue's network conditions act here, on every message: a WebSocket
 * frame each way goes through a MessagePipe (delay, loss, order kept); a
 * REST request is delayed or lost (the socket reset: the venue never saw
 * it) on the way in, its answer likewise on the way out (lost: the venue
 * acted, the client never hears). While the network is down, new
 * connections are refused and open WebSocket connections dropped. Bodies
 * and frames over maxMessageBytes are refused (413 / close 1009).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { TimerId } from '../../core/clock/scheduler.js';
import type { Logger } from '../../core/logging/logger.js';
import { MessagePipe } from './message-pipe.js';
import type { ExchangeVenue } from './venue.js';

export const WS_API_PATH = '/ws-api/v3';
const DOWN_POLL_MS = 50;

export interface ServerOptions {
  host?: string;
  /** 0 = any free port. */
  port?: number;
  log?: Logger;
}

export class ExchangeSimServer {
  private readonly sockets = new Set<WebSocket>();
  private downTimer: TimerId | null = null;

  private constructor(
    readonly venue: ExchangeVenue,
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly host: string,
    readonly port: number,
  ) {}

  static async start(venue: ExchangeVenue, o: ServerOptions = {}): Promise<ExchangeSimServer> {
    const host = o.host ?? '127.0.0.1';
    const wss = new WebSocketServer({ noServer: true, maxPayload: venue.options.maxMessageBytes });
    const http = createServer();
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(o.port ?? 0, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const addr = http.address();
    const server = new ExchangeSimServer(venue, http, wss, host, typeof addr === 'object' && addr ? addr.port : 0);
    if (o.log) venue.onInternalError = (e) => o.log!.error({ err: e }, 'exchange-sim internal error (answered -1000)');
    http.on('request', (req, res) => server.onRequest(req, res));
    http.on('upgrade', (req, socket, head) => server.onUpgrade(req, socket as Socket, head));
    server.watchOutages();
    venue.start();
    return server;
  }

  url(path = ''): string {
    return `http://${this.host}:${this.port}${path}`;
  }

  wsUrl(): string {
    return `ws://${this.host}:${this.port}${WS_API_PATH}`;
  }

  async close(): Promise<void> {
    this.venue.stop();
    if (this.downTimer !== null) this.venue.clock.cancel(this.downTimer);
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private now(): number {
    return this.venue.clock.nowMs();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const net = this.venue.network;
    if (net.down(this.now())) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > this.venue.options.maxMessageBytes) tooBig = true;
      else chunks.push(c);
    });
    req.on('error', () => req.socket.destroy());
    req.on('end', () => {
      if (tooBig) {
        res.writeHead(413, { 'Content-Type': 'application/json;charset=UTF-8', Connection: 'close' });
        res.end('{"code":-1101,"msg":"Too many parameters sent for this endpoint."}');
        return;
      }
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const ip = req.socket.remoteAddress ?? 'unknown';
      const request = {
        method: req.method ?? 'GET',
        path: q < 0 ? url : url.slice(0, q),
        query: q < 0 ? '' : url.slice(q + 1),
        body: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers as Record<string, string | undefined>,
        ip,
      };
      const inbound = net.toVenue(this.now());
      if (inbound.lost) {
        req.socket.destroy();
        return;
      }
      this.later(inbound.delayMs, () => {
        if (req.socket.destroyed) return;
        const answer = this.venue.handleRest(request);
        const outbound = net.toClient(this.now());
        if (outbound.lost) {
          req.socket.destroy();
          return;
        }
        this.later(outbound.delayMs, () => {
          if (req.socket.destroyed) return;
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
        });
      });
    });
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_API_PATH || this.venue.network.down(this.now())) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req.socket.remoteAddress ?? 'unknown'));
  }

  private onConnection(ws: WebSocket, ip: string): void {
    const net = this.venue.network;
    const clock = this.venue.clock;
    this.sockets.add(ws);
    const out = new MessagePipe(clock, (t) => net.toClient(t), (text) => {
      if (ws.readyState === ws.OPEN) ws.send(text);
    });
    const session = this.venue.openSession({
      ip,
      send: (text) => out.push(text),
      close: (code, reason) => ws.close(code, reason),
      ping: () => {
        if (ws.readyState === ws.OPEN) ws.ping();
      },
    });
    const inbound = new MessagePipe(clock, (t) => net.toVenue(t), (text) => session.receive(text));
    ws.on('message', (data, isBinary) => {
      if (isBinary) ws.close(1003, 'text frames only');
      else inbound.push(data.toString());
    });
    ws.on('pong', () => session.pong());
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.sockets.delete(ws);
      inbound.close();
      out.close();
      session.closed();
    });
  }

  /** Outages drop open connections; checked on the Scheduler so simulated time sees them too. */
  private watchOutages(): void {
    const poll = () => {
      if (this.venue.network.down(this.now())) for (const ws of this.sockets) ws.terminate();
      this.downTimer = this.venue.clock.after(DOWN_POLL_MS, poll);
    };
    this.downTimer = this.venue.clock.after(DOWN_POLL_MS, poll);
  }

  private later(ms: number, fn: () => void): void {
    if (ms <= 0) fn();
    else this.venue.clock.after(ms, fn);
  }
}
