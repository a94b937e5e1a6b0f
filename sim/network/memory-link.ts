/**
 * An in-memory WebSocket: the client side is a VenueConnection (the gateway's
 * transport contract), the venue side a session opened through the venue's
 * `openSession(peer)`, and every frame between them crosses a network model
 * on a Scheduler. The recovery bench runs the real gateway against the real
 * venue this way on simulated time, thousands of outages in seconds.
 *
 * What it models, per connection:
 * - Each direction delivers in order (InOrderQueue): a frame never overtakes
 *   an earlier one. Data frames are lost per the model: a lost request never
 *   reaches the venue, a lost response never reaches the client.
 * - Opening: the handshake takes one venueward and one clientward delay and
 *   is never lost (TCP retransmits it). A handshake that reaches the venue
 *   during an outage is refused: onClose(1006) one clientward delay later,
 *   and no session is opened.
 * - An outage starting (the model's `onDown`) drops the connection at once,
 *   TCP-reset style: the session's `closed()`, the client's onClose(1006),
 *   and every frame still in flight in either direction is lost.
 * - Closing: by the client (a close frame after its earlier frames; onClose(1000)
 *   and the session's `closed()` when it reaches the venue) or by the venue
 *   (`peer.close`: its earlier frames still arrive, then onClose(code)).
 * - Pings, when the venue sends one (`peer.ping()`, its keepalive): the ping
 *   goes clientward, the client answers at once as ws does, and the session's
 *   `pong()` runs when the pong arrives; either can be lost like any frame,
 *   so the venue's pong timeout can fire.
 *
 * Exactly one onClose follows each connect(). Stale timers (from an earlier
 * connection of the same link) are recognised by an epoch number and do
 * nothing. send() mirrors the ws package: it throws before the connection is
 * open and drops the frame silently once it is closing or closed.
 */
import type { Scheduler } from '../../core/clock/scheduler.js';
import type { NetworkConditions } from './conditions.js';
import { InOrderQueue } from './in-order-lane.js';

/** What the venue sees of one connection (the exchange simulator's `openSession` argument). */
export interface VenuePeer {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Sends a ping frame; the client's pong comes back through VenueSession.pong. */
  ping?(): void;
  readonly ip: string;
}

/** The venue's side of one connection. */
export interface VenueSession {
  receive(text: string): void;
  pong(): void;
  closed(): void;
}

export interface SessionOpener {
  openSession(peer: VenuePeer): VenueSession;
}

/** Network conditions that also announce outage starts (NetworkModel). */
export type AnnouncingNetwork = NetworkConditions & { onDown(fn: () => void): () => void };

export interface MemoryLinkOptions {
  /** Client address the venue sees (its per-IP limits key on it). */
  ip?: string;
}

export const CLOSE_NORMAL = 1000;
/** ws's code for a connection that ended without a close frame (reset, refused). */
export const CLOSE_ABNORMAL = 1006;

type State = 'idle' | 'connecting' | 'open' | 'closing' | 'closed';

export class MemoryLink {
  onOpen: () => void = () => {};
  onMessage: (text: string) => void = () => {};
  onClose: (code: number, reason: string) => void = () => {};

  private state: State = 'idle';
  private epoch = 0;
  private session: VenueSession | undefined;
  /** The venue has closed its side: what the client still sends is discarded there. */
  private venueClosed = false;
  private venueward: InOrderQueue;
  private clientward: InOrderQueue;
  private stopDownWatch: (() => void) | undefined;
  private readonly ip: string;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly network: AnnouncingNetwork,
    private readonly venue: SessionOpener,
    options: MemoryLinkOptions = {},
  ) {
    this.ip = options.ip ?? '127.0.0.1';
    this.venueward = new InOrderQueue(scheduler);
    this.clientward = new InOrderQueue(scheduler);
  }

  get readyState(): State {
    return this.state;
  }

  connect(): void {
    if (this.state !== 'idle' && this.state !== 'closed') throw new Error(`connect() while ${this.state}`);
    this.state = 'connecting';
    this.venueClosed = false;
    // Fresh queues: the old connection's timers pop only their own (and find their epoch stale).
    this.venueward = new InOrderQueue(this.scheduler);
    this.clientward = new InOrderQueue(this.scheduler);
    const epoch = ++this.epoch;
    this.toVenue(epoch, false, () => {
      if (this.network.down(this.scheduler.nowMs())) {
        this.toClient(epoch, false, () => this.finish(CLOSE_ABNORMAL, 'connection refused: venue down'));
        return;
      }
      this.stopDownWatch = this.network.onDown(() => this.finish(CLOSE_ABNORMAL, 'connection dropped: venue down'));
      this.session = this.venue.openSession(this.peer(epoch));
      this.toClient(epoch, false, () => {
        if (this.state !== 'connecting') return; // closed by the client meanwhile
        this.state = 'open';
        this.onOpen();
      });
    });
  }

  send(text: string): void {
    if (this.state === 'idle' || this.state === 'connecting') throw new Error(`send() while ${this.state}`);
    if (this.state !== 'open') return;
    const epoch = this.epoch;
    this.toVenue(epoch, true, () => {
      if (!this.venueClosed) this.session!.receive(text);
    });
  }

  close(): void {
    if (this.state !== 'connecting' && this.state !== 'open') return;
    this.state = 'closing';
    this.toVenue(this.epoch, false, () => this.finish(CLOSE_NORMAL, ''));
  }

  private peer(epoch: number): VenuePeer {
    return {
      ip: this.ip,
      send: (text) => {
        if (epoch !== this.epoch || this.venueClosed) return;
        this.toClient(epoch, true, () => {
          if (this.state === 'open') this.onMessage(text);
        });
      },
      close: (code, reason) => {
        if (epoch !== this.epoch || this.venueClosed) return;
        this.venueClosed = true;
        this.toClient(epoch, false, () => this.finish(code, reason));
      },
      ping: () => {
        if (epoch !== this.epoch || this.venueClosed) return;
        // A closing client's pong would travel behind its close frame, so the venue could never get it.
        this.toClient(epoch, true, () => {
          this.toVenue(epoch, true, () => {
            if (!this.venueClosed) this.session!.pong();
          });
        });
      },
    };
  }

  /** Schedules `deliver` when a frame sent now reaches the venue, in order; `lossy` frames may never arrive. */
  private toVenue(epoch: number, lossy: boolean, deliver: () => void): void {
    const fate = this.network.toVenue(this.scheduler.nowMs());
    if (lossy && fate.lost) return;
    this.venueward.push(fate.delayMs, () => {
      if (epoch === this.epoch) deliver();
    });
  }

  private toClient(epoch: number, lossy: boolean, deliver: () => void): void {
    const fate = this.network.toClient(this.scheduler.nowMs());
    if (lossy && fate.lost) return;
    this.clientward.push(fate.delayMs, () => {
      if (epoch === this.epoch) deliver();
    });
  }

  /** Ends the current connection, whoever ended it: exactly once per connect(). */
  private finish(code: number, reason: string): void {
    this.epoch++;
    this.state = 'closed';
    this.stopDownWatch?.();
    this.stopDownWatch = undefined;
    const session = this.session;
    this.session = undefined;
    session?.closed();
    this.onClose(code, reason);
  }
}
