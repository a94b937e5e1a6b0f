/**
 * Every order the gateway was given, its state machine (order-state.ts) and
 * its fills as the venue reported them. The one place that turns venue
 * reports (acks, query answers, executionReports) into executions and final
 * states, so that the rules hold whichever way a report arrives:
 *
 * - Fills are counted from the venue's cumulative quantity (z / executedQty):
 *   a report that carries more than the order has emits the difference once.
 *   A trade seen by id is ignored when it comes again (the last TRADE_IDS ids
 *   per order are kept: redeliveries come close together); a fill learnt from
 *   an order.status answer (a lost executionReport) has no trade id and is
 *   emitted with tradeId -1, its price the average over the missing quantity.
 * - A final state is entered once: later reports for a finished order change
 *   nothing (counted in `lateReports`).
 * - Executions go out before the order's final state.
 * - Memory stays bounded: the last `retain` final orders are kept whole (a
 *   late report finds its order and changes nothing); older ones are dropped,
 *   or, with an archive, kept as one compact row for the reconciliation.
 */
import { OrderState, canTransition, isFinal } from './order-state.js';
import { ExecType, VenueStatus } from './message-decoder.js';
import { SettledOrders, type ReconciledOrder } from './settled-orders.js';

const TRADE_IDS = 16;
/** Quantities closer than this are equal (venue quantities have at most 8 decimals). */
const QTY_EPS = 1e-9;

export class OrderRecord {
  state: OrderState = OrderState.SUBMITTED;
  /** Venue request in flight for this order (Req kind), 0 when none: never two at once. */
  inFlight = 0;
  /** order.place sends so far (a retry reuses the clientOrderId), and the last one's timestamp. */
  sends = 0;
  lastSendMs = 0;
  /** The venue has acknowledged the order in some way (ack, report, query answer). */
  known = false;
  cancelWanted = false;
  /** order.status answers that failed in a row (spaces the next query out). */
  queryFailures = 0;
  cumQty = 0;
  cumQuote = 0;
  reason = 0;
  private readonly trades = new Float64Array(TRADE_IDS).fill(-1);
  private tradeNext = 0;

  constructor(
    readonly clientId: number,
    readonly symbol: number,
    readonly side: number,
    readonly type: number,
    readonly price: string,
    readonly qty: string,
    readonly queuedMs: number,
  ) {}

  /** Records a trade id; false when it was already seen. */
  noteTrade(tradeId: number): boolean {
    for (let k = 0; k < TRADE_IDS; k++) if (this.trades[k] === tradeId) return false;
    this.trades[this.tradeNext] = tradeId;
    this.tradeNext = (this.tradeNext + 1) % TRADE_IDS;
    return true;
  }
}

export interface TrackerEvents {
  /** The venue has the order (its first ack, report or query answer). */
  ack?(clientId: number): void;
  execution(clientId: number, tradeId: number, price: number, qty: number, leavesOpen: boolean): void;
  final(clientId: number, state: OrderState, reason: number): void;
}

export interface GatewayCounters {
  submitted: number;
  acked: number;
  filled: number;
  canceled: number;
  rejected: number;
  expired: number;
  /** order.place requests sent (retries included). */
  placesSent: number;
  /** Orders whose outcome became UNKNOWN (timeout, 5xx, -1007, a lost answer, a dropped connection). */
  unknown: number;
  /** UNKNOWN outcomes settled by the venue's answer to order.status. */
  unknownResolved: number;
  /** order.place sent again (same clientOrderId) after the venue said it never saw it. */
  retries: number;
  reconnects: number;
  /** -2010 "Duplicate order sent.": the venue refused a second copy. */
  duplicatesRefused: number;
  duplicateTrades: number;
  executions: number;
  /** Reports about finished orders, or moves the state machine refuses. */
  lateReports: number;
  /** Events about orders this gateway does not know (another client of the account). */
  foreignReports: number;
  /** submit() calls with a client id that is not a safe integer >= 0, or already used: refused, no final. */
  badClientIds: number;
}

export function newCounters(): GatewayCounters {
  return {
    submitted: 0,
    acked: 0,
    filled: 0,
    canceled: 0,
    rejected: 0,
    expired: 0,
    placesSent: 0,
    unknown: 0,
    unknownResolved: 0,
    retries: 0,
    reconnects: 0,
    duplicatesRefused: 0,
    duplicateTrades: 0,
    executions: 0,
    lateReports: 0,
    foreignReports: 0,
    badClientIds: 0,
  };
}

function stateOf(v: number): OrderState | -1 {
  switch (v) {
    case VenueStatus.NEW:
      return OrderState.ACCEPTED;
    case VenueStatus.PARTIALLY_FILLED:
      return OrderState.PARTIALLY_FILLED;
    case VenueStatus.FILLED:
      return OrderState.FILLED;
    case VenueStatus.CANCELED:
      return OrderState.CANCELED;
    case VenueStatus.PENDING_CANCEL:
      return OrderState.PENDING_CANCEL;
    case VenueStatus.REJECTED:
      return OrderState.REJECTED;
    case VenueStatus.EXPIRED:
      return OrderState.EXPIRED;
    default:
      return -1;
  }
}

export class OrderTracker {
  /** Every live order and the last `retain` final ones, by client id. */
  readonly orders = new Map<number, OrderRecord>();
  /** Orders not yet in a final state. */
  readonly live = new Set<OrderRecord>();
  /** Final orders in the order they ended, from endedHead on: the next to leave `orders` first. */
  private readonly ended: OrderRecord[] = [];
  private endedHead = 0;
  /** Final orders no longer kept whole (dropped, or archived). */
  evicted = 0;

  constructor(
    private readonly ev: TrackerEvents,
    readonly counters: GatewayCounters,
    /** Final orders kept whole at most. */
    private readonly retain = Infinity,
    /** Where orders go when they leave `orders` (the end-of-run reconciliation), or null: dropped. */
    readonly settled: SettledOrders | null = null,
  ) {}

  /** Every order the gateway was given and still accounts for: the archive's, then those kept whole. */
  *all(): IterableIterator<ReconciledOrder> {
    if (this.settled !== null) yield* this.settled;
    yield* this.orders.values();
  }

  get(clientId: number): OrderRecord | undefined {
    return this.orders.get(clientId);
  }

  add(rec: OrderRecord): void {
    this.orders.set(rec.clientId, rec);
    this.live.add(rec);
    this.counters.submitted++;
  }

  /**
   * A move of the state machine; false (and nothing changes) when it is not allowed,
   * e.g. anything after a final state. Entering a final state reports it.
   */
  transition(rec: OrderRecord, to: OrderState, reason = 0): boolean {
    if (!canTransition(rec.state, to)) {
      this.counters.lateReports++;
      return false;
    }
    if (rec.state === OrderState.UNKNOWN && to !== OrderState.SUBMITTED) this.counters.unknownResolved++;
    if (to === OrderState.UNKNOWN && rec.state !== OrderState.UNKNOWN) this.counters.unknown++;
    rec.state = to;
    if (!isFinal(to)) return true;
    rec.reason = reason;
    rec.cancelWanted = false;
    this.live.delete(rec);
    const c = this.counters;
    if (to === OrderState.FILLED) c.filled++;
    else if (to === OrderState.CANCELED) c.canceled++;
    else if (to === OrderState.REJECTED) c.rejected++;
    else c.expired++;
    this.ev.final(rec.clientId, to, reason);
    if (this.retain !== Infinity) {
      this.ended.push(rec);
      if (this.ended.length - this.endedHead > this.retain) this.evictOldest();
    }
    return true;
  }

  private evictOldest(): void {
    const rec = this.ended[this.endedHead++];
    this.orders.delete(rec.clientId);
    this.settled?.add(rec);
    this.evicted++;
    // Compacted now and then, not per eviction: the list's front is dead weight until then.
    if (this.endedHead >= 4096 && this.endedHead * 2 >= this.ended.length) {
      this.ended.splice(0, this.endedHead);
      this.endedHead = 0;
    }
  }

  /**
   * A report of the order at the venue: status, cumulative quantity and quote, and, for
   * an executionReport TRADE, the trade (id, last quantity and price; tradeId -1 otherwise).
   */
  report(rec: OrderRecord, venueStatus: number, cumQty: number, cumQuote: number, execType: number, tradeId: number, lastQty: number, lastPrice: number): void {
    if (isFinal(rec.state)) {
      this.counters.lateReports++;
      return;
    }
    if (execType === ExecType.TRADE && tradeId >= 0 && !rec.noteTrade(tradeId)) {
      this.counters.duplicateTrades++;
      return;
    }
    let target = stateOf(venueStatus);
    if (target === -1) return;
    if (!rec.known) {
      rec.known = true;
      this.counters.acked++;
      this.ev.ack?.(rec.clientId);
    }
    // A cancel on its way keeps the order PENDING_CANCEL while the venue still shows it live.
    if ((target === OrderState.ACCEPTED || target === OrderState.PARTIALLY_FILLED) && rec.state === OrderState.PENDING_CANCEL) target = OrderState.PENDING_CANCEL;
    // No PARTIALLY_FILLED -> ACCEPTED on a stale report.
    if (target === OrderState.ACCEPTED && rec.state === OrderState.PARTIALLY_FILLED) target = OrderState.PARTIALLY_FILLED;
    const qty = cumQty - rec.cumQty;
    if (qty > QTY_EPS) {
      const price = tradeId >= 0 && Math.abs(qty - lastQty) <= QTY_EPS ? lastPrice : (cumQuote - rec.cumQuote) / qty;
      rec.cumQty = cumQty;
      rec.cumQuote = cumQuote;
      this.counters.executions++;
      this.ev.execution(rec.clientId, tradeId, price, qty, !isFinal(target));
    }
    if (target !== rec.state) this.transition(rec, target);
  }

  /** Orders sent at least once and not finished: what reconciliation asks the venue about. */
  unsettled(): OrderRecord[] {
    const out: OrderRecord[] = [];
    for (const r of this.live) if (r.sends > 0) out.push(r);
    return out;
  }
}
