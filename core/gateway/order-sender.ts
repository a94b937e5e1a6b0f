/**
 * What goes to the venue, and when. Two queues: control actions (cancels,
 * order.status queries, retries of orders the venue never saw) before new
 * orders. Nothing goes before the session is READY and the reconnect's
 * reconciliation is done, or while a Retry-After is in force; new orders
 * and retries also wait for the order budget. A queued action whose order
 * has moved on since (a query for an order no longer UNKNOWN, a retry for
 * one no longer SUBMITTED, anything for a finished one) is dropped when it
 * comes up rather than hunted down when the order moves. New orders that
 * waited past maxQueueAgeMs end REJECTED STALE on time, connected or not.
 * Only one request per order is in flight at a time.
 */
import type { Scheduler, TimerId } from '../clock/scheduler.js';
import { ActionQueue } from './action-queue.js';
import type { GatewayOptionsParsed } from './gateway-options.js';
import type { OrderFormat } from './order-format.js';
import { OrderState, isFinal } from './order-state.js';
import type { OrderRecord, OrderTracker } from './order-tracker.js';
import { GatewayReason } from './outcomes.js';
import type { RateBudget } from './rate-budget.js';
import type { RequestEncoder } from './request-encoder.js';
import { Req, type VenueSession } from './venue-session.js';

export class OrderSender {
  /** New orders, oldest first. */
  readonly places = new ActionQueue();
  /** Cancels, queries and retries: before new orders. */
  readonly control = new ActionQueue();
  /** The reconnect's reconciliation is over: new orders may go. */
  reconciled = false;
  private pumpTimer: TimerId = -1;
  private pumpAt = Infinity;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly session: VenueSession,
    private readonly encoder: RequestEncoder,
    private readonly format: OrderFormat,
    private readonly tracker: OrderTracker,
    private readonly budget: RateBudget,
    private readonly options: GatewayOptionsParsed,
    private readonly random01: () => number,
  ) {}

  stop(): void {
    if (this.pumpTimer >= 0) this.scheduler.cancel(this.pumpTimer);
    this.pumpTimer = -1;
  }


  private schedulePump(at: number): void {
    if (at >= this.pumpAt) return;
    if (this.pumpTimer >= 0) this.scheduler.cancel(this.pumpTimer);
    this.pumpAt = at;
    this.pumpTimer = this.scheduler.after(at - this.scheduler.nowMs(), () => {
      this.pumpTimer = -1;
      this.pumpAt = Infinity;
      this.pump();
    });
  }

  /**
   * New orders that waited past maxQueueAgeMs end REJECTED STALE, connected or not, so the
   * engine hears within that time; returns when the oldest left goes stale.
   */
  private expireStale(now: number): number {
    while (this.places.size > 0) {
      const rec = this.tracker.get(this.places.peekClient());
      if (rec === undefined || rec.state !== OrderState.SUBMITTED || rec.sends > 0) {
        this.places.shift();
        continue;
      }
      const staleAt = rec.queuedMs + this.options.maxQueueAgeMs;
      if (now <= staleAt) return staleAt + 1;
      this.places.shift();
      this.tracker.transition(rec, OrderState.REJECTED, GatewayReason.STALE);
    }
    return Infinity;
  }

  /** Sends what may go now: control actions first, then new orders within the budget. */
  pump(): void {
    const now = this.scheduler.nowMs();
    const staleAt = this.expireStale(now);
    if (!this.session.ready || !this.reconciled || this.budget.backoffUntil > now) {
      if (staleAt < Infinity) this.schedulePump(staleAt);
      if (this.budget.backoffUntil > now) this.schedulePump(this.budget.backoffUntil);
      return;
    }
    while (this.control.size > 0) {
      const rec = this.tracker.get(this.control.peekClient());
      const action = this.control.peekAction();
      // Stale actions (the order moved on since) are dropped here rather than hunted down when it moves.
      const stale = action === Req.QUERY ? rec?.state !== OrderState.UNKNOWN : action === Req.PLACE ? rec?.state !== OrderState.SUBMITTED : rec === undefined || isFinal(rec.state);
      if (rec === undefined || stale || rec.inFlight !== 0) {
        this.control.shift();
        continue;
      }
      if (action === Req.PLACE) {
        const at = this.budget.orderAt(now);
        if (at > now) return this.schedulePump(at);
      }
      if (!this.session.canSend()) return;
      this.control.shift();
      if (action === Req.CANCEL) this.sendCancel(rec);
      else if (action === Req.QUERY) this.sendQuery(rec);
      else this.sendPlace(rec);
    }
    while (this.expireStale(now) < Infinity) {
      const rec = this.tracker.get(this.places.peekClient())!;
      const at = this.budget.orderAt(now);
      if (at > now) return this.schedulePump(Math.min(at, rec.queuedMs + this.options.maxQueueAgeMs + 1));
      if (!this.session.canSend()) return;
      this.places.shift();
      this.sendPlace(rec);
    }
  }

  private sendPlace(rec: OrderRecord): void {
    const now = this.scheduler.nowMs();
    const sym = this.format.venueSymbol(rec.symbol);
    if (rec.sends > 0) this.tracker.counters.retries++;
    this.tracker.counters.placesSent++;
    rec.sends++;
    rec.lastSendMs = now;
    rec.inFlight = Req.PLACE;
    this.budget.orderSent(now);
    this.session.request(Req.PLACE, rec.clientId, (id) => this.encoder.place(id, now, sym, rec.side, rec.type, rec.price, rec.qty, rec.clientId));
  }

  private sendCancel(rec: OrderRecord): void {
    const now = this.scheduler.nowMs();
    if (rec.state !== OrderState.PENDING_CANCEL) this.tracker.transition(rec, OrderState.PENDING_CANCEL);
    rec.inFlight = Req.CANCEL;
    this.session.request(Req.CANCEL, rec.clientId, (id) => this.encoder.cancel(id, now, this.format.venueSymbol(rec.symbol), rec.clientId));
  }

  /** order.status now; false (and queued instead) when it cannot go now. */
  sendQuery(rec: OrderRecord): boolean {
    if (!this.session.canSend() || this.budget.backoffUntil > this.scheduler.nowMs()) {
      this.control.push(Req.QUERY, rec.clientId);
      return false;
    }
    const now = this.scheduler.nowMs();
    rec.inFlight = Req.QUERY;
    this.session.request(Req.QUERY, rec.clientId, (id) => this.encoder.status(id, now, this.format.venueSymbol(rec.symbol), rec.clientId));
    return true;
  }

  /** A live order whose cancel is still wanted gets one (when nothing else is in flight for it). */
  afterReport(rec: OrderRecord): void {
    if (!rec.cancelWanted || rec.inFlight !== 0) return;
    if (rec.state === OrderState.ACCEPTED || rec.state === OrderState.PARTIALLY_FILLED) {
      this.control.push(Req.CANCEL, rec.clientId);
      this.pump();
    }
  }

  toUnknown(rec: OrderRecord): void {
    this.tracker.transition(rec, OrderState.UNKNOWN);
    this.control.push(Req.QUERY, rec.clientId);
  }

  /** Queries again later, spaced out (full jitter) while the venue keeps failing. */
  queryLater(rec: OrderRecord): void {
    const o = this.options;
    const delay = o.queryRetryBaseMs + this.random01() * Math.min(o.queryRetryCapMs, o.queryRetryBaseMs * 2 ** Math.min(rec.queryFailures++, 20));
    this.queryAt(rec, this.scheduler.nowMs() + delay);
  }

  queryAt(rec: OrderRecord, at: number): void {
    this.scheduler.after(at - this.scheduler.nowMs(), () => {
      if (rec.state !== OrderState.UNKNOWN || rec.inFlight !== 0) return;
      this.control.push(Req.QUERY, rec.clientId);
      this.pump();
    });
  }
}
