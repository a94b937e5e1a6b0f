/**
 * A VenueConnection over a real WebSocket (ws): what the gateway uses against
 * the exchange simulator on loopback or a venue's /ws-api/v3. One object per
 * connection attempt, as the gateway's session asks for them. ws answers the
 * venue's ping frames with pongs by itself (the venue drops a connection
 * whose pongs stop); the session's own liveness check is its `ping` request.
 * A connection that fails before opening reports onClose without onOpen.
 */
import WebSocket from 'ws';
import type { VenueConnection } from './venue-session.js';

export class WsVenueConnection implements VenueConnection {
  onOpen: () => void = () => {};
  onMessage: (text: string) => void = () => {};
  onClose: (code: number, reason: string) => void = () => {};
  private ws: WebSocket | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly maxPayload = 1 << 22,
  ) {}

  connect(): void {
    const ws = new WebSocket(this.url, { perMessageDeflate: false, maxPayload: this.maxPayload });
    this.ws = ws;
    ws.on('open', () => this.onOpen());
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) this.onMessage(data.toString('utf8'));
    });
    ws.on('error', () => {}); // 'close' follows with the code; the session backs off and retries
    ws.on('close', (code: number, reason: Buffer) => {
      if (this.closed) return;
      this.closed = true;
      this.onClose(code, reason.toString('utf8'));
    });
  }

  send(text: string): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  /** Closes at once, without the closing handshake: the session has already given up on it. */
  close(): void {
    this.closed = true;
    this.ws?.terminate();
  }
}
