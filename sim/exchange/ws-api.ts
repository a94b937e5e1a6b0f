/**
 * One WebSocket API connection (web-socket-api.md): JSON requests
 * `{id, method, params}` in, `{id, status, result | error, rateLimits}` out,
 * executionReport events `{subscriptionId, event}` once the session has
 * logged on (Ed25519 only, as on the venue) and subscribed to its user data
 * stream. Signed requests carry `apiKey` and `signature` over the sorted
 * params, or rely on the logged-on key. The server pings every
 * pingIntervalMs and drops a connection that has not ponged for
 * pongTimeoutMs. A frame that is not a request gets an error answer; one
 * over the size limit closes the connection (1009), and so does a 418 ban
 * (1008); nothing sent crashes it.
 */
import type { TimerId } from '../../core/clock/scheduler.js';
import { WS_METHODS, checkParams, type Endpoint } from './endpoints.js';
import { mandatory, rejectedKey, unauthorized, unknownError, VenueError } from './errors.js';
import { optional, wsParams, type Params } from './params.js';
import { wsSignaturePayload } from './signature.js';
import type { VenuePeer, VenueSession } from '../network/memory-link.js';
import type { ExchangeVenue } from './venue.js';

// One definition of a connection's two sides, shared with the in-memory link (sim/network/memory-link.ts).
export type { VenuePeer, VenueSession };

const SESSION_METHODS = ['session.logon', 'session.status', 'session.logout', 'userDataStream.subscribe', 'userDataStream.subscribe.signature', 'userDataStream.unsubscribe'];

export class WsSession implements VenueSession {
  private apiKey: string | null = null;
  private account: string | null = null;
  private authorizedSince: number | null = null;
  private readonly connectedSince: number;
  private subscriptionId: number | null = null;
  /** The account whose user data stream this connection gets (logged on, or subscribed by signature). */
  private streamAccount: string | null = null;
  private nextSubscriptionId = 0;
  private lastPong: number;
  private pinger: TimerId | null = null;
  private open = true;

  constructor(
    private readonly venue: ExchangeVenue,
    private readonly peer: VenuePeer,
  ) {
    this.connectedSince = this.lastPong = venue.clock.nowMs();
    // Connecting costs 2 weight on the venue; a banned IP is still let in, its requests answered 418.
    try {
      venue.limits.chargeWeight(peer.ip, 2);
    } catch {
      // Refusals are for requests; the connection itself stands.
    }
    if (venue.options.pingIntervalMs > 0) this.pinger = venue.clock.after(venue.options.pingIntervalMs, () => this.keepalive());
  }

  receive(text: string): void {
    if (!this.open) return;
    if (Buffer.byteLength(text) > this.venue.options.maxMessageBytes) {
      this.peer.close(1009, 'message too big');
      this.closed();
      return;
    }
    let id: unknown = null;
    let weightCharged = false;
    let account: string | undefined;
    let placesOrder = false;
    let returnRateLimits = true;
    try {
      let req: unknown;
      try {
        req = JSON.parse(text);
      } catch {
        throw new VenueError(-1100, 'Illegal characters found in a parameter.');
      }
      if (typeof req !== 'object' || req === null || Array.isArray(req)) throw new VenueError(-1102, 'A mandatory parameter was not sent, was empty/null, or malformed.');
      const r = req as Record<string, unknown>;
      if (typeof r.id === 'string' || (typeof r.id === 'number' && Number.isFinite(r.id)) || r.id === null) id = r.id;
      else throw mandatory('id');
      if (typeof r.method !== 'string') throw mandatory('method');
      const method = r.method.startsWith('v3/') ? r.method.slice(3) : r.method;
      const p = wsParams(r.params);
      returnRateLimits = optional(p, 'returnRateLimits') !== 'false';
      const endpoint = WS_METHODS[method];
      if (!endpoint && !SESSION_METHODS.includes(method)) throw new VenueError(-1102, `Unknown method '${method.slice(0, 64)}'.`);
      placesOrder = endpoint?.placesOrder === true;
      this.venue.limits.chargeWeight(this.peer.ip, endpoint ? endpoint.weight(p) : 2, placesOrder);
      weightCharged = true;
      const result = endpoint ? this.request(endpoint, p, (a) => (account = a)) : this.sessionMethod(method, p);
      this.answer(id, 200, { result }, returnRateLimits, placesOrder ? account : undefined);
    } catch (e) {
      if (!(e instanceof VenueError)) this.venue.onInternalError(e);
      const err = e instanceof VenueError ? e : unknownError();
      const error: Record<string, unknown> = { code: err.code, msg: err.msg };
      if (err.retryAfterMs !== undefined) error.data = { serverTime: Math.floor(this.venue.clock.nowMs()), retryAfter: err.retryAfterMs };
      this.answer(id, err.status, { error }, returnRateLimits && (weightCharged || err.retryAfterMs !== undefined), placesOrder ? account : undefined);
      // A banned IP is disconnected, as the venue does; it may come back, to be answered 418 until the ban ends.
      if (err.status === 418) {
        this.peer.close(1008, 'IP banned');
        this.closed();
      }
    }
  }

  pong(): void {
    this.lastPong = this.venue.clock.nowMs();
  }

  closed(): void {
    if (!this.open) return;
    this.open = false;
    if (this.pinger !== null) this.venue.clock.cancel(this.pinger);
    if (this.streamAccount !== null) this.venue.unsubscribe(this.streamAccount, this);
  }

  /** Pushes one user data stream event (already JSON) to this session's subscription. */
  event(eventJson: string): void {
    if (this.open && this.subscriptionId !== null) this.peer.send(`{"subscriptionId":${this.subscriptionId},"event":${eventJson}}`);
  }

  private request(e: Endpoint, p: Params, onAccount: (a: string) => void): unknown {
    checkParams(e, p, ['returnRateLimits']);
    let account = '';
    if (e.security === 'SIGNED') {
      const apiKey = optional(p, 'apiKey');
      if (apiKey === undefined && this.account !== null) {
        this.venue.checkTimeOf(p);
        account = this.account;
      } else {
        const key = this.venue.key(apiKey);
        this.venue.verify(key, p, wsSignaturePayload(Object.fromEntries(p)), optional(p, 'signature'));
        account = key.account;
      }
      onAccount(account);
    }
    return this.venue.run(e, p, this.peer.ip, account);
  }

  private sessionMethod(method: string, p: Params): unknown {
    const now = this.venue.clock.nowMs();
    switch (method) {
      case 'session.logon': {
        const key = this.venue.key(optional(p, 'apiKey'));
        if (key.kind !== 'ED25519') throw rejectedKey();
        this.venue.verify(key, p, wsSignaturePayload(Object.fromEntries(p)), optional(p, 'signature'));
        if (this.account !== null && this.account !== key.account) this.dropSubscription();
        this.apiKey = key.apiKey;
        this.account = key.account;
        this.authorizedSince = Math.floor(now);
        return this.status(now);
      }
      case 'session.status':
        return this.status(now);
      case 'session.logout':
        this.dropSubscription();
        this.apiKey = this.account = this.authorizedSince = null;
        return this.status(now);
      case 'userDataStream.subscribe':
        if (this.account === null) throw unauthorized();
        return this.subscribeStream(this.account);
      case 'userDataStream.subscribe.signature': {
        // HMAC (or RSA) keys, which cannot session.logon: the request itself is signed (web-socket-api.md, user-data-signature).
        const key = this.venue.key(optional(p, 'apiKey'));
        this.venue.verify(key, p, wsSignaturePayload(Object.fromEntries(p)), optional(p, 'signature'));
        return this.subscribeStream(key.account);
      }
      default:
        this.dropSubscription();
        return {};
    }
  }

  private subscribeStream(account: string): { subscriptionId: number } {
    if (this.subscriptionId !== null && this.streamAccount !== account) this.dropSubscription();
    if (this.subscriptionId === null) {
      this.subscriptionId = this.nextSubscriptionId++;
      this.streamAccount = account;
      this.venue.subscribe(account, this);
    }
    return { subscriptionId: this.subscriptionId };
  }

  private dropSubscription(): void {
    if (this.streamAccount !== null) this.venue.unsubscribe(this.streamAccount, this);
    this.subscriptionId = null;
    this.streamAccount = null;
  }

  private status(now: number) {
    return {
      apiKey: this.apiKey,
      authorizedSince: this.authorizedSince,
      connectedSince: Math.floor(this.connectedSince),
      returnRateLimits: true,
      serverTime: Math.floor(now),
      userDataStream: this.subscriptionId !== null,
    };
  }

  private answer(id: unknown, status: number, payload: Record<string, unknown>, withLimits: boolean, account: string | undefined): void {
    const msg: Record<string, unknown> = { id, status, ...payload };
    if (withLimits) msg.rateLimits = this.venue.limits.status(this.peer.ip, account);
    this.peer.send(JSON.stringify(msg));
  }

  private keepalive(): void {
    if (!this.open) return;
    if (this.venue.clock.nowMs() - this.lastPong > this.venue.options.pongTimeoutMs) {
      this.peer.close(1008, 'pong timeout');
      this.closed();
      return;
    }
    this.peer.ping?.();
    this.pinger = this.venue.clock.after(this.venue.options.pingIntervalMs, () => this.keepalive());
  }
}
