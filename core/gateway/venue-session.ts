/**
 * One logged-on WebSocket API session to the venue, kept alive: connect,
 * session.logon (Ed25519), userDataStream.subscribe, then READY; requests
 * matched to their responses by id, each with a deadline; an application
 * `ping` every pingIntervalMs whose missing answer declares the connection
 * dead; reconnect after a drop with exponential backoff and full jitter
 * (the attempt count resets once a session reaches READY again).
 *
 * What happens to requests in flight when the connection goes: each is
 * handed back through `onLost` (its outcome is unknown: the venue may or may
 * not have acted), never silently dropped and never re-sent from here: only
 * the gateway, which knows what a request meant, decides how to resolve it.
 *
 * Transport-free: a VenueConnection from the factory per attempt (a real ws,
 * or the in-memory one over the network model); all time from the Scheduler.
 * Callbacks of a connection this session has given up on are ignored.
 */
import type { Scheduler, TimerId } from '../clock/scheduler.js';
import { fullJitterDelay } from '../feed/backoff.js';
import { MessageDecoder, MsgKind } from './message-decoder.js';
import type { RequestEncoder } from './request-encoder.js';

export interface VenueConnection {
  connect(): void;
  send(text: string): void;
  close(): void;
  onOpen: () => void;
  onMessage: (text: string) => void;
  onClose: (code: number, reason: string) => void;
}

/** Handshake requests sent again on one connection, at most. */
const HANDSHAKE_SENDS = 4;

export const SessionState = { IDLE: 0, CONNECTING: 1, LOGGING_ON: 2, SUBSCRIBING: 3, READY: 4, WAITING: 5, STOPPED: 6 } as const;

/** What a request was, so its answer (or its loss) goes to the right handler. Kinds below 0 are the session's own. */
export const Req = { PLACE: 1, CANCEL: 2, QUERY: 3, OPEN_ORDERS: 4, LOGON: -1, SUBSCRIBE: -2, PING: -3 } as const;

export interface SessionOptions {
  requestTimeoutMs: number;
  /** A logon or subscribe unanswered this long is sent again on the same connection (both are idempotent). */
  handshakeTimeoutMs: number;
  connectTimeoutMs: number;
  pingIntervalMs: number;
  reconnectBaseMs: number;
  reconnectCapMs: number;
  /** Requests in flight at once (power of two): the id -> slot table's size. */
  maxInFlight: number;
}

export interface SessionHandler {
  /** The session is logged on and subscribed; nothing sent yet on it. */
  ready(): void;
  /** The connection is gone (before `lost` for each request in flight). */
  down(): void;
  response(kind: number, clientId: number, d: MessageDecoder): void;
  /** A request got no answer within requestTimeoutMs (the connection stays). */
  timedOut(kind: number, clientId: number): void;
  /** A request was in flight when its connection went. */
  lost(kind: number, clientId: number): void;
  /** A user-data event (executionReport, ...). */
  event(d: MessageDecoder): void;
  /** A venue failure or recovery, for the breaker: timeouts, drops, failed connects. */
  outcome(ok: boolean): void;
}

export class VenueSession {
  state: number = SessionState.IDLE;
  readonly decoder: MessageDecoder;
  reconnects = 0;
  connectFailures = 0;
  malformed = 0;
  lateResponses = 0;
  /** The session's user data stream is on (executionReports come); false when the venue refused it. */
  streaming = false;
  /** Retry-After in force until then: not even a ping goes (a request during a ban lengthens it). */
  quietUntil = 0;

  private conn: VenueConnection | null = null;
  private attempt = 0;
  private nextId = 1;
  private inFlight = 0;
  private readonly mask: number;
  private readonly slotId: Float64Array;
  private readonly slotKind: Int32Array;
  private readonly slotClient: Float64Array;
  private readonly slotDue: Float64Array;
  /** 1 once a handshake request of this slot has been sent again (sweep). */
  private readonly slotResent: Uint8Array;
  private sweepTimer: TimerId = -1;
  /** Handshake requests sent again on this connection (sweep). */
  private handshakeSends = 0;
  private sweepAt = Infinity;
  private pingTimer: TimerId = -1;
  private connectTimer: TimerId = -1;
  private reconnectTimer: TimerId = -1;
  private everReady = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly factory: () => VenueConnection,
    private readonly encoder: RequestEncoder,
    private readonly ed25519: boolean,
    private readonly o: SessionOptions,
    private readonly h: SessionHandler,
    private readonly random01: () => number,
  ) {
    if ((o.maxInFlight & (o.maxInFlight - 1)) !== 0) throw new RangeError('maxInFlight must be a power of two');
    this.decoder = new MessageDecoder(encoder.clientIdPrefix);
    this.mask = o.maxInFlight - 1;
    this.slotId = new Float64Array(o.maxInFlight).fill(-1);
    this.slotKind = new Int32Array(o.maxInFlight);
    this.slotClient = new Float64Array(o.maxInFlight);
    this.slotDue = new Float64Array(o.maxInFlight);
    this.slotResent = new Uint8Array(o.maxInFlight);
  }

  get ready(): boolean {
    return this.state === SessionState.READY;
  }

  start(): void {
    if (this.state === SessionState.IDLE) this.open();
  }

  stop(): void {
    this.state = SessionState.STOPPED;
    for (const t of [this.pingTimer, this.connectTimer, this.reconnectTimer, this.sweepTimer]) if (t >= 0) this.scheduler.cancel(t);
    const c = this.conn;
    this.conn = null;
    c?.close();
  }

  /** Whether an order request can go now: READY, and the next id's slot is free. */
  canSend(): boolean {
    return this.state === SessionState.READY && this.slotId[this.nextId & this.mask] < 0;
  }

  /** Sends a request; returns its id, or -1 when it cannot go (not READY, or the slot table is full). */
  request(kind: number, clientId: number, build: (id: number) => string): number {
    if (this.conn === null || (kind > 0 && this.state !== SessionState.READY)) return -1;
    const id = this.nextId;
    const s = id & this.mask;
    if (this.slotId[s] >= 0) return -1;
    this.nextId++;
    this.slotId[s] = id;
    this.slotKind[s] = kind;
    this.slotClient[s] = clientId;
    const handshake = kind === Req.LOGON || kind === Req.SUBSCRIBE;
    const due = this.scheduler.nowMs() + (handshake ? this.o.handshakeTimeoutMs : this.o.requestTimeoutMs);
    this.slotDue[s] = due;
    this.slotResent[s] = 0;
    this.inFlight++;
    this.armSweep(due);
    this.conn.send(build(id));
    return id;
  }

  /** Drops the connection now (a dead ping, a serverShutdown) and reconnects. */
  drop(): void {
    const c = this.conn;
    if (c === null) return;
    this.lose();
    c.close();
  }

  private open(): void {
    this.state = SessionState.CONNECTING;
    const c = this.factory();
    this.conn = c;
    c.onOpen = () => {
      if (c === this.conn) this.opened();
    };
    c.onMessage = (text) => {
      if (c === this.conn) this.message(text);
    };
    c.onClose = () => {
      if (c === this.conn) this.lose();
    };
    this.connectTimer = this.scheduler.after(this.o.connectTimeoutMs, () => {
      this.connectTimer = -1;
      if (c === this.conn && this.state === SessionState.CONNECTING) this.drop();
    });
    c.connect();
  }

  private opened(): void {
    this.handshakeSends = 0;
    if (this.connectTimer >= 0) this.scheduler.cancel(this.connectTimer);
    this.connectTimer = -1;
    if (this.ed25519) {
      this.state = SessionState.LOGGING_ON;
      this.request(Req.LOGON, -1, (id) => this.encoder.logon(id, this.scheduler.nowMs()));
    } else {
      this.subscribe();
    }
  }

  private subscribe(): void {
    this.state = SessionState.SUBSCRIBING;
    this.request(Req.SUBSCRIBE, -1, (id) => this.encoder.subscribe(id, this.scheduler.nowMs()));
  }

  private message(text: string): void {
    const d = this.decoder;
    const kind = d.decode(text);
    if (kind === MsgKind.MALFORMED) {
      this.malformed++;
      return;
    }
    if (kind === MsgKind.SERVER_SHUTDOWN) {
      this.drop();
      return;
    }
    if (kind !== MsgKind.RESPONSE) {
      this.h.event(d);
      return;
    }
    const s = d.id & this.mask;
    if (d.id < 0 || this.slotId[s] !== d.id) {
      this.lateResponses++; // answered after its deadline (already handed back as timed out)
      return;
    }
    this.slotId[s] = -1;
    this.inFlight--;
    const reqKind = this.slotKind[s];
    if (reqKind > 0) {
      this.h.response(reqKind, this.slotClient[s], d);
      return;
    }
    if (reqKind === Req.PING) {
      this.h.outcome(true);
      return;
    }
    // The answer to a handshake request that was sent twice (sweep): the first one moved it on.
    if ((reqKind === Req.LOGON && this.state !== SessionState.LOGGING_ON) || (reqKind === Req.SUBSCRIBE && this.state !== SessionState.SUBSCRIBING)) return;
    if (d.status !== 200 && (reqKind === Req.LOGON || d.status === 429 || d.status === 418 || d.status >= 500)) {
      // Logon refused (a bad key), or a ban: this connection is useless; back off and try again.
      this.h.response(reqKind, -1, d);
      this.drop();
      return;
    }
    if (reqKind === Req.LOGON) {
      this.subscribe();
      return;
    }
    // A venue without the user data stream for this key type (userDataStream.subscribe.signature
    // unknown): trade on without events; answers, queries and the poll keep the books.
    this.streaming = d.status === 200;
    if (!this.streaming) this.h.response(reqKind, -1, d);
    this.becomeReady();
  }

  private becomeReady(): void {
    this.state = SessionState.READY;
    if (this.everReady) this.reconnects++;
    this.everReady = true;
    this.attempt = 0;
    this.h.outcome(true);
    this.schedulePing();
    this.h.ready();
  }

  private schedulePing(): void {
    const c = this.conn;
    this.pingTimer = this.scheduler.after(this.o.pingIntervalMs, () => {
      this.pingTimer = -1;
      if (c !== this.conn || this.state !== SessionState.READY) return;
      if (this.scheduler.nowMs() >= this.quietUntil) this.request(Req.PING, -1, (id) => this.encoder.ping(id));
      this.schedulePing();
    });
  }

  private armSweep(due: number): void {
    if (due >= this.sweepAt) return;
    if (this.sweepTimer >= 0) this.scheduler.cancel(this.sweepTimer);
    this.sweepAt = due;
    this.sweepTimer = this.scheduler.after(due - this.scheduler.nowMs(), () => this.sweep());
  }

  /**
   * Hands back every request past its deadline. A handshake request (logon, subscribe) unanswered
   * after handshakeTimeoutMs is sent again, up to HANDSHAKE_SENDS times, while the earlier sends
   * stay open until requestTimeoutMs: whichever answer comes first moves the handshake on (both
   * requests are idempotent), so a lost message costs handshakeTimeoutMs, not a reconnect and its
   * backoff, and a slow link loses nothing by the resend. A dead ping, or a handshake never
   * answered, drops the connection; a handshake request the session has moved past is just freed.
   */
  private sweep(): void {
    this.sweepTimer = -1;
    this.sweepAt = Infinity;
    const now = this.scheduler.nowMs();
    let next = Infinity;
    let dead = false;
    let resend = 0;
    for (let s = 0; s <= this.mask && this.inFlight > 0; s++) {
      if (this.slotId[s] < 0) continue;
      if (this.slotDue[s] > now) {
        next = Math.min(next, this.slotDue[s]);
        continue;
      }
      const kind = this.slotKind[s];
      const waiting = (kind === Req.LOGON && this.state === SessionState.LOGGING_ON) || (kind === Req.SUBSCRIBE && this.state === SessionState.SUBSCRIBING);
      if (waiting && this.slotResent[s] === 0 && this.handshakeSends < HANDSHAKE_SENDS) {
        // Resent below; this send stays open for its answer until the long deadline.
        this.slotResent[s] = 1;
        this.slotDue[s] += this.o.requestTimeoutMs - this.o.handshakeTimeoutMs;
        next = Math.min(next, this.slotDue[s]);
        this.handshakeSends++;
        resend = kind;
        continue;
      }
      this.slotId[s] = -1;
      this.inFlight--;
      if ((kind === Req.LOGON || kind === Req.SUBSCRIBE) && !waiting) continue; // answered by a later send
      if (kind > 0) {
        this.h.outcome(false);
        this.h.timedOut(kind, this.slotClient[s]);
      } else {
        dead = true;
      }
    }
    if (dead && this.conn !== null) this.drop();
    else {
      if (next < Infinity) this.armSweep(next);
      if (resend === Req.LOGON) this.request(Req.LOGON, -1, (id) => this.encoder.logon(id, this.scheduler.nowMs()));
      else if (resend === Req.SUBSCRIBE) this.request(Req.SUBSCRIBE, -1, (id) => this.encoder.subscribe(id, this.scheduler.nowMs()));
    }
  }

  /** The connection is gone: every request in flight is lost; reconnect after a jittered backoff. */
  private lose(): void {
    const wasReady = this.state === SessionState.READY;
    this.conn = null;
    for (const t of [this.pingTimer, this.connectTimer]) if (t >= 0) this.scheduler.cancel(t);
    this.pingTimer = this.connectTimer = -1;
    if (this.state === SessionState.STOPPED) return;
    if (!wasReady) this.connectFailures++;
    this.state = SessionState.WAITING;
    this.h.outcome(false);
    this.h.down();
    for (let s = 0; s <= this.mask && this.inFlight > 0; s++) {
      if (this.slotId[s] < 0) continue;
      this.slotId[s] = -1;
      this.inFlight--;
      if (this.slotKind[s] > 0) this.h.lost(this.slotKind[s], this.slotClient[s]);
    }
    const delay = fullJitterDelay(this.attempt++, this.o.reconnectBaseMs, this.o.reconnectCapMs, this.random01());
    this.reconnectTimer = this.scheduler.after(delay, () => {
      this.reconnectTimer = -1;
      if (this.state === SessionState.WAITING) this.open();
    });
  }
}
