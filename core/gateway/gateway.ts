/**
 * The venue gateway core: orders in (plain numbers), venue protocol out,
 * executions and final states back; independent of threads and transport.
 *
 * The story of an order: submit() records it (SUBMITTED) and queues it; it is
 * sent when the session is READY and reconciled, no Retry-After is in force
 * and the order budget allows (order-sender.ts); the venue's answer, its executionReports, or
 * its answer to order.status move the state machine (order-tracker.ts).
 * Whatever leaves the outcome open (a timeout, 5xx, -1006/-1007, a duplicate
 * refusal, the line dropping with the request in flight) makes the order
 * UNKNOWN and sends order.status by origClientOrderId; the order is sent
 * again (same clientOrderId, so a copy still open at the venue is refused
 * -2010) only once the venue has said it never saw it (-2013) and the first
 * send's recvWindow has passed, after which the venue would refuse the first
 * send (-1021) even if it turned up: so an order can never be placed twice.
 *
 * Reconnects and their reconciliation: venue-session.ts, reconciler.ts.
 * Final reasons: outcomes.ts.
 */
import { Prng } from '../random/prng.js';
import type { Scheduler, TimerId } from '../clock/scheduler.js';
import type { Logger } from '../logging/logger.js';
import { type GatewayOptionsInput, type GatewayOptionsParsed, parseGatewayOptions } from './gateway-options.js';
import { ExecType, type MessageDecoder, MsgKind, VenueStatus } from './message-decoder.js';
import { OrderState, isFinal } from './order-state.js';
import { OrderFormat } from './order-format.js';
import { OrderSender } from './order-sender.js';
import { type GatewayCounters, OrderRecord, OrderTracker, newCounters } from './order-tracker.js';
import { SettledOrders } from './settled-orders.js';
import { RateBudget } from './rate-budget.js';
import { type ReconcileReport, type VenueOrderView, reconcileReport } from './reconcile-report.js';
import { ERR_CANCEL_REJECTED, ERR_NO_SUCH_ORDER, GatewayReason, duplicateRefused, outcomeUnknown, rateRefused } from './outcomes.js';
import { Reconciler } from './reconciler.js';
import { RequestEncoder } from './request-encoder.js';
import type { RequestSigner } from './request-signer.js';
import { Req, type VenueConnection, VenueSession } from './venue-session.js';

export { GatewayReason } from './outcomes.js';

export interface GatewayCallbacks {
  /** Optional: the venue acknowledged the order (once, before its executions and final); send-to-ack latency. */
  onAck?(clientId: number): void;
  onExecution(clientId: number, tradeId: number, price: number, qty: number, leavesOpen: boolean): void;
  onFinal(clientId: number, state: OrderState, reason: number): void;
  /** A venue success or failure (timeouts, 5xx, drops): feeds the venue's circuit breaker. */
  onVenueOutcome(ok: boolean): void;
  /** Rate limited (429, 418, a used-up weight): new orders must be refused RATE_LIMITED until then. */
  onBackoff(untilMs: number): void;
}

export class Gateway {
  readonly options: GatewayOptionsParsed;
  readonly counters: GatewayCounters = newCounters();
  readonly tracker: OrderTracker;
  readonly session: VenueSession;
  readonly reconciler: Reconciler;
  private readonly encoder: RequestEncoder;
  private readonly format: OrderFormat;
  private readonly sender: OrderSender;
  private auditTimer: TimerId = -1;
  /** After cancelAll(): every new order is cancelled once the venue has it. */
  private closing = false;
  private readonly prng: Prng;
  private readonly budget: RateBudget;

  constructor(
    options: GatewayOptionsInput,
    signer: RequestSigner,
    private readonly scheduler: Scheduler,
    connect: () => VenueConnection,
    private readonly cb: GatewayCallbacks,
    private readonly log?: Logger,
  ) {
    const o = parseGatewayOptions(options);
    this.options = o;
    if (o.clientIdPrefix.length + 16 > 36) throw new RangeError('gateway option clientIdPrefix: too long for a 36-character clientOrderId');
    this.prng = new Prng(o.seed);
    this.budget = new RateBudget({ ordersPerWindow: o.ordersPerWindow, windowMs: o.orderWindowMs, default429Ms: o.default429Ms, default418Ms: o.default418Ms });
    this.format = new OrderFormat(o.symbols);
    this.encoder = new RequestEncoder(signer, o.clientIdPrefix, o.recvWindowMs, o.timeInForce);
    this.tracker = new OrderTracker(
      { ack: cb.onAck, execution: cb.onExecution, final: cb.onFinal },
      this.counters,
      this.options.retainFinalOrders,
      this.options.archiveSettled ? new SettledOrders() : null,
    );
    this.reconciler = new Reconciler({
      tracker: this.tracker,
      query: (rec) => this.sender.sendQuery(rec),
      afterReport: (rec) => this.sender.afterReport(rec),
      done: (audit) => {
        if (!audit) {
          this.sender.reconciled = true;
          this.log?.info({ rounds: this.reconciler.rounds, live: this.tracker.live.size }, 'gateway reconciled');
          this.scheduleAudit();
        }
        this.sender.pump();
      },
    });
    this.session = new VenueSession(scheduler, connect, this.encoder, signer.kind === 'ed25519', o, this.sessionHandler(), () => this.prng.next());
    this.sender = new OrderSender(scheduler, this.session, this.encoder, this.format, this.tracker, this.budget, o, () => this.prng.next());
  }

  start(): void {
    this.session.start();
  }

  /** Closes the session; orders never sent end REJECTED (STOPPED). Orders at the venue stay as they are there. */
  stop(): void {
    this.session.stop();
    this.sender.stop();
    if (this.auditTimer >= 0) this.scheduler.cancel(this.auditTimer);
    for (const rec of [...this.tracker.live]) if (rec.sends === 0) this.tracker.transition(rec, OrderState.REJECTED, GatewayReason.STOPPED);
  }

  /** Whether new orders are being sent now (connected, reconciled, no Retry-After in force). */
  get trading(): boolean {
    return this.session.ready && this.sender.reconciled && this.scheduler.nowMs() >= this.backoffUntil;
  }

  get backoffUntil(): number {
    return this.budget.backoffUntil;
  }

  /**
   * A new order, in the engine's plain numbers (Side, OrderType of ipc/frame-layout.ts;
   * price ignored for MARKET). Returns false when refused at once (onFinal has then been called).
   */
  submit(clientId: number, symbol: number, side: number, type: number, price: number, qty: number): boolean {
    if (!Number.isSafeInteger(clientId) || clientId < 0 || this.tracker.get(clientId) !== undefined) {
      // Not an order we can name (or one already named): a final for it would end another order's books.
      this.counters.badClientIds++;
      return false;
    }
    const f = this.format;
    if (!f.format(symbol, side, type, price, qty)) {
      this.counters.submitted++;
      this.counters.rejected++;
      this.cb.onFinal(clientId, OrderState.REJECTED, GatewayReason.BAD_ORDER);
      return false;
    }
    const rec = new OrderRecord(clientId, symbol, side, type, f.price, f.qty, this.scheduler.nowMs());
    // Closing: sent (its source waits for its final) and cancelled as soon as the venue has it.
    rec.cancelWanted = this.closing;
    this.tracker.add(rec);
    if (this.sender.places.size >= this.options.queueCapacity) {
      this.tracker.transition(rec, OrderState.REJECTED, GatewayReason.QUEUE_FULL);
      return false;
    }
    this.sender.places.push(Req.PLACE, clientId);
    this.sender.pump();
    return true;
  }

  /** Asks for the order's cancel; false when it is unknown or already final. */
  cancel(clientId: number): boolean {
    const rec = this.tracker.get(clientId);
    if (rec === undefined || isFinal(rec.state)) return false;
    rec.cancelWanted = true;
    if (rec.sends === 0) this.tracker.transition(rec, OrderState.CANCELED, GatewayReason.CANCELED_LOCALLY);
    else this.sender.afterReport(rec);
    return true;
  }

  /**
   * Asks for the cancel of every order not yet final, and of every order
   * submitted from now on once the venue has it (a graceful stop: no order
   * of the engine's may rest at the venue once its risk checks are gone);
   * returns how many. Orders never sent end CANCELED here and now.
   */
  cancelAll(): number {
    this.closing = true;
    let n = 0;
    for (const rec of [...this.tracker.live]) if (this.cancel(rec.clientId)) n++;
    return n;
  }

  /** Counters for the summary, with the session's and the reconciliation's. */
  stats(): GatewayCounters & { live: number; kept: number; evicted: number; queued: number; connectFailures: number; malformed: number; lateResponses: number; reconcileRounds: number; orphans: number } {
    const s = this.session;
    return {
      ...this.counters,
      live: this.tracker.live.size,
      kept: this.tracker.orders.size,
      evicted: this.tracker.evicted,
      queued: this.sender.places.size + this.sender.control.size,
      connectFailures: s.connectFailures,
      malformed: s.malformed,
      lateResponses: s.lateResponses,
      reconcileRounds: this.reconciler.rounds,
      orphans: this.reconciler.orphans.length,
    };
  }

  /** The gateway's view against the venue's list of orders (the summary's check: none lost, none twice). */
  reconcileReport(venueOrders: readonly VenueOrderView[]): ReconcileReport {
    return reconcileReport(this.tracker.all(), venueOrders, this.options.clientIdPrefix);
  }

  // ---- answers ----

  private sessionHandler() {
    return {
      ready: () => {
        this.counters.reconnects = this.session.reconnects;
        this.reconcile();
      },
      down: () => {
        this.log?.warn({ live: this.tracker.live.size }, 'venue connection lost');
        this.sender.reconciled = false;
        this.reconciler.abort();
      },
      response: (kind: number, clientId: number, d: MessageDecoder) => this.response(kind, clientId, d),
      timedOut: (kind: number, clientId: number) => this.noAnswer(kind, clientId),
      lost: (kind: number, clientId: number) => this.noAnswer(kind, clientId),
      event: (d: MessageDecoder) => this.event(d),
      outcome: (ok: boolean) => this.cb.onVenueOutcome(ok),
    };
  }

  /** Starts the reconnect reconciliation (reconciler.ts); new orders wait for its end. */
  private reconcile(): void {
    this.sender.reconciled = false;
    const now = this.scheduler.nowMs();
    this.reconciler.begin(now, false);
    if (this.session.request(Req.OPEN_ORDERS, -1, (id) => this.encoder.openOrders(id, now)) < 0) this.session.drop();
  }

  /**
   * Audits now (open orders, then the status of every order the venue no longer lists) when
   * connected, reconciled, not rate limited and no round is running; false otherwise. What a
   * stopping engine asks for, so that orders whose last report was lost still end as the venue has them.
   */
  audit(): boolean {
    if (!this.session.ready || !this.sender.reconciled) return false;
    const now = this.scheduler.nowMs();
    if (this.reconciler.active || now < this.budget.backoffUntil || !this.session.canSend()) return false;
    this.reconciler.begin(now, true);
    this.session.request(Req.OPEN_ORDERS, -1, (id) => this.encoder.openOrders(id, now));
    return true;
  }

  /** The periodic audit (reconciler.ts), while connected and not rate limited; one timer per session. */
  private scheduleAudit(): void {
    const every = this.session.streaming ? this.options.auditIntervalMs : this.options.pollIntervalMs;
    if (every === 0 || this.auditTimer >= 0) return;
    this.auditTimer = this.scheduler.after(every, () => {
      this.auditTimer = -1;
      if (!this.session.ready || !this.sender.reconciled) return; // the next reconnect's round starts a new timer
      this.audit();
      this.scheduleAudit();
    });
  }

  private response(kind: number, clientId: number, d: MessageDecoder): void {
    const now = this.scheduler.nowMs();
    let until = this.budget.feedback(d, now);
    if (rateRefused(d)) until = Math.max(until, this.budget.refused(d.status, d.retryAfter, now));
    if (until > 0) {
      this.session.quietUntil = this.budget.backoffUntil;
      this.log?.warn({ status: d.status, code: d.errorCode, until }, 'venue rate limit: backing off');
      this.cb.onBackoff(until);
    }
    this.cb.onVenueOutcome(!outcomeUnknown(d));
    if (kind < 0) {
      if (kind === Req.SUBSCRIBE) this.log?.warn({ status: d.status, code: d.errorCode, msg: d.errorMessage(), pollMs: this.options.pollIntervalMs }, 'no user data stream: polling open orders');
      else this.log?.error({ status: d.status, code: d.errorCode, msg: d.errorMessage() }, 'venue session refused');
      return;
    }
    if (kind === Req.OPEN_ORDERS) {
      if (d.status === 200 && d.resultIsArray) this.reconciler.openOrders(d);
      else if (this.reconciler.audit) this.reconciler.abort();
      else if (rateRefused(d)) this.scheduler.after(this.budget.backoffUntil - now, () => this.session.ready && this.reconcile());
      else this.session.drop();
      return;
    }
    const rec = this.tracker.get(clientId);
    if (rec === undefined) return;
    rec.inFlight = 0;
    if (kind === Req.PLACE) this.placeAnswer(rec, d);
    else if (kind === Req.CANCEL) this.cancelAnswer(rec, d);
    else this.queryAnswer(rec, d);
    if (kind === Req.QUERY) this.reconciler.settled(clientId);
    this.sender.pump();
  }

  private placeAnswer(rec: OrderRecord, d: MessageDecoder): void {
    if (d.status === 200) {
      // An ACK-type answer carries no status: accepted, nothing filled yet as far as it says.
      const status = d.venueStatus[0] === VenueStatus.NONE ? VenueStatus.NEW : d.venueStatus[0];
      this.tracker.report(rec, status, d.cumQty[0], d.cumQuote[0], ExecType.NONE, -1, 0, 0);
      this.sender.afterReport(rec);
    } else if (outcomeUnknown(d)) {
      if (!rec.known) this.sender.toUnknown(rec);
    } else if (duplicateRefused(d)) {
      // A copy of this clientOrderId is open at the venue: ours, placed by an earlier send.
      this.counters.duplicatesRefused++;
      if (!rec.known) this.sender.toUnknown(rec);
    } else {
      this.tracker.transition(rec, OrderState.REJECTED, d.errorCode !== 0 ? d.errorCode : -d.status);
    }
  }

  private cancelAnswer(rec: OrderRecord, d: MessageDecoder): void {
    if (d.status === 200) {
      this.tracker.report(rec, d.venueStatus[0], d.cumQty[0], d.cumQuote[0], ExecType.NONE, -1, 0, 0);
    } else if (outcomeUnknown(d) || d.errorCode === ERR_CANCEL_REJECTED) {
      // -2011: not open at the venue any more (filled or expired meanwhile?): ask.
      this.sender.toUnknown(rec);
    } else {
      // The cancel was refused and the order lives on; a rate-limit refusal tries again after Retry-After.
      this.tracker.transition(rec, rec.cumQty > 0 ? OrderState.PARTIALLY_FILLED : OrderState.ACCEPTED);
      if (!rateRefused(d)) rec.cancelWanted = false;
      this.sender.afterReport(rec);
    }
  }

  private queryAnswer(rec: OrderRecord, d: MessageDecoder): void {
    if (d.status === 200) {
      rec.queryFailures = 0;
      if (rec.state === OrderState.SUBMITTED) this.tracker.transition(rec, OrderState.UNKNOWN);
      this.tracker.report(rec, d.venueStatus[0], d.cumQty[0], d.cumQuote[0], ExecType.NONE, -1, 0, 0);
      if (rec.state === OrderState.UNKNOWN) this.sender.queryLater(rec); // an answer without a status we know
      else this.sender.afterReport(rec);
      return;
    }
    if (d.errorCode !== ERR_NO_SUCH_ORDER || rec.known) {
      this.sender.queryLater(rec);
      return;
    }
    // The venue never saw it. Until the last send's recvWindow is over that send could still
    // arrive and be executed; after it, the venue refuses it, so a retry cannot make a second order.
    const safeAt = rec.lastSendMs + this.options.recvWindowMs + 1;
    if (this.scheduler.nowMs() < safeAt) {
      this.sender.queryAt(rec, safeAt);
    } else if (rec.cancelWanted) {
      this.tracker.transition(rec, OrderState.CANCELED, GatewayReason.CANCELED_LOCALLY);
    } else if (rec.sends >= this.options.maxPlaceSends) {
      this.tracker.transition(rec, OrderState.REJECTED, GatewayReason.NOT_AT_VENUE);
    } else {
      this.tracker.transition(rec, OrderState.SUBMITTED);
      this.sender.control.unshift(Req.PLACE, rec.clientId);
    }
  }

  /** A request got no answer (deadline passed, or its connection dropped): its outcome is unknown. */
  private noAnswer(kind: number, clientId: number): void {
    if (kind === Req.OPEN_ORDERS) {
      if (this.reconciler.audit) this.reconciler.abort();
      else this.session.drop();
      return;
    }
    const rec = this.tracker.get(clientId);
    if (rec === undefined) return;
    rec.inFlight = 0;
    if (kind === Req.QUERY) {
      this.reconciler.settled(clientId);
      this.sender.queryLater(rec);
    } else if (!isFinal(rec.state) && !(kind === Req.PLACE && rec.known)) {
      this.sender.toUnknown(rec);
    }
    this.sender.pump();
  }

  private event(d: MessageDecoder): void {
    if (d.kind !== MsgKind.EXECUTION_REPORT) return;
    // A CANCELED report names the order in C (c is the cancel request's own id).
    const id = d.origClientId[0] >= 0 ? d.origClientId[0] : d.clientId[0];
    const rec = id >= 0 ? this.tracker.get(id) : undefined;
    if (rec === undefined) {
      this.counters.foreignReports++;
      return;
    }
    this.tracker.report(rec, d.venueStatus[0], d.cumQty[0], d.cumQuote[0], d.execType, d.tradeId, d.lastQty, d.lastPrice);
    this.sender.afterReport(rec);
  }
}
