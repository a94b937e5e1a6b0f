/**
 * What the gateway does on every (re)connect before it sends anything new:
 * asks the venue for its open orders (openOrders.status, all symbols), brings
 * each open order of ours up to date from it (fills missed while away, a
 * cancel still wanted), then asks order.status of every unfinished order the
 * venue does not list as open: in flight when the line dropped, UNKNOWN, or
 * open before and since cancelled, expired or filled by the venue. The round
 * ends when each of those queries has been answered (or has failed: such an
 * order stays UNKNOWN and is queried again on the gateway's normal path),
 * and only then do new orders go. The same round runs every auditIntervalMs
 * while connected, without holding new orders back: it catches what lost
 * executionReports would hide (a fill, a venue-side cancel or expiry) on a
 * connection that stays up. An order of ours (our clientOrderId prefix)
 * open at the venue that this gateway never heard of is counted as an orphan.
 */
import { OrderState } from './order-state.js';
import type { MessageDecoder } from './message-decoder.js';
import { ExecType } from './message-decoder.js';
import type { OrderRecord, OrderTracker } from './order-tracker.js';

export interface ReconcileHost {
  readonly tracker: OrderTracker;
  /** Sends order.status for the order; false when it could not go now (it is queued instead). */
  query(rec: OrderRecord): boolean;
  /** After a report: sends a cancel still wanted. */
  afterReport(rec: OrderRecord): void;
  /** The round is over: new orders may go (after a reconnect's round). */
  done(audit: boolean): void;
}

export class Reconciler {
  active = false;
  /** The round in progress is a periodic audit (new orders keep going), not a reconnect's. */
  audit = false;
  rounds = 0;
  audits = 0;
  /** When the round's openOrders.status was sent: orders sent since are not in its answer by design. */
  private since = 0;
  /** Client ids of ours open at the venue that this gateway does not know (another run's leftovers). */
  readonly orphans: number[] = [];
  private readonly waiting = new Set<number>();

  constructor(private readonly host: ReconcileHost) {}

  begin(sentAtMs: number, audit: boolean): void {
    this.active = true;
    this.audit = audit;
    this.since = sentAtMs;
    this.waiting.clear();
  }

  abort(): void {
    this.active = false;
    this.waiting.clear();
  }

  /** The answer to openOrders.status (status 200). */
  openOrders(d: MessageDecoder): void {
    if (!this.active) return;
    const tracker = this.host.tracker;
    const open = new Set<number>();
    for (let r = 0; r < d.rows; r++) {
      const id = d.clientId[r];
      if (id < 0) continue;
      open.add(id);
      const rec = tracker.get(id);
      if (rec === undefined) {
        if (!this.orphans.includes(id)) this.orphans.push(id);
        continue;
      }
      if (rec.inFlight !== 0 || rec.sends === 0) continue;
      if (rec.state === OrderState.UNKNOWN || rec.state === OrderState.SUBMITTED) tracker.transition(rec, OrderState.UNKNOWN);
      tracker.report(rec, d.venueStatus[r], d.cumQty[r], d.cumQuote[r], ExecType.NONE, -1, 0, 0);
      this.host.afterReport(rec);
    }
    for (const rec of tracker.unsettled()) {
      if (open.has(rec.clientId) || rec.inFlight !== 0 || rec.lastSendMs >= this.since) continue;
      // Not open at the venue: filled, cancelled or expired while away, or never placed.
      if (rec.state !== OrderState.UNKNOWN) tracker.transition(rec, OrderState.UNKNOWN);
      if (this.host.query(rec)) this.waiting.add(rec.clientId);
    }
    if (this.waiting.size === 0) this.finish();
  }

  /** An order.status sent by this round was answered, timed out or lost. */
  settled(clientId: number): void {
    if (this.active && this.waiting.delete(clientId) && this.waiting.size === 0) this.finish();
  }

  private finish(): void {
    this.active = false;
    if (this.audit) this.audits++;
    else this.rounds++;
    this.host.done(this.audit);
  }
}
