import { expect } from 'chai';
import { OrderType, Side } from '../ipc/frame-layout.js';
import { isFinal } from '../core/gateway/order-state.js';
import { Prng } from '../core/random/prng.js';
import type { Fault } from './fixtures/fake-venue.js';
import { Harness } from './fixtures/gateway-harness.js';

const UNKNOWN_MSG = 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.';

/**
 * Orders, cancels, venue fills and expiries at random on a venue that loses
 * requests, responses and events, answers 5xx after acting or not, and drops
 * the line; then the weather clears. Seeded: a failure replays exactly.
 */
function chaosRun(seed: number): Harness {
  const rng = new Prng(seed);
  const h = new Harness({ requestTimeoutMs: 300, recvWindowMs: 1000, maxQueueAgeMs: 600_000, ordersPerWindow: 10_000, maxPlaceSends: 20, auditIntervalMs: 2000, seed });
  const v = h.venue;
  v.random = () => rng.next();
  v.eventLoss = 0.3; // high enough that the last event of some orders is lost on a connection that stays up
  v.chaos = (method): Fault | undefined => {
    if (method === 'ping' || method.startsWith('session') || method.startsWith('userData')) return undefined;
    const x = rng.next();
    if (x < 0.05) return { kind: 'lose-request' };
    if (x < 0.1) return { kind: 'lose-response' };
    if (x < 0.13) return { kind: 'error', status: 503, code: -1007, msg: UNKNOWN_MSG, acted: x < 0.115, eventsLost: true };
    return undefined;
  };
  h.start();
  let next = 1;
  const open = () => [...v.orders.values()].filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED');
  for (let step = 0; step < 300; step++) {
    const r = rng.next();
    const live = open();
    const some = live.length > 0 ? live[rng.below(live.length)] : undefined;
    if (r < 0.45) h.gw.submit(next++, rng.below(2), rng.next() < 0.5 ? Side.Buy : Side.Sell, OrderType.Limit, 100, 1);
    else if (r < 0.6) h.gw.cancel(1 + rng.below(next));
    else if (r < 0.85 && some) v.fill(some.clientOrderId, rng.next() < 0.5 ? 0.5 : some.origQty - some.executedQty, 99 + rng.below(3));
    else if (r < 0.9 && some) v.venueEnd(some.clientOrderId, 'EXPIRED');
    else if (r < 0.93 && step < 200) v.disconnect(); // the last 100 steps on one connection: only the audit finds lost events there
    h.run(rng.below(60));
  }
  v.chaos = null;
  v.eventLoss = 0;
  h.run(30_000);
  return h;
}

describe('gateway under random faults', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: every order settled as the venue has it, none lost, none twice, each final once`, () => {
      const h = chaosRun(seed);
      const venueOrders = [...h.venue.orders.values()].map((o) => ({ clientOrderId: o.clientOrderId, status: o.status, executedQty: o.executedQty }));
      const report = h.gw.reconcileReport(venueOrders);
      expect(report.ok, JSON.stringify(report)).to.equal(true);
      expect(new Set(h.venue.placed).size).to.equal(h.venue.placed.length);
      const finals = new Map<number, number>();
      for (const f of h.finals) {
        expect(finals.has(f.clientId), `two finals for ${f.clientId}`).to.equal(false);
        finals.set(f.clientId, f.state);
      }
      const filled = new Map<number, number>();
      for (const e of h.executions) filled.set(e.clientId, (filled.get(e.clientId) ?? 0) + e.qty);
      for (const rec of h.gw.tracker.orders.values()) {
        expect(finals.get(rec.clientId), `final of ${rec.clientId}`).to.equal(isFinal(rec.state) ? rec.state : undefined);
        const atVenue = h.venue.orders.get('bot4-' + rec.clientId)?.executedQty ?? 0;
        expect(filled.get(rec.clientId) ?? 0, `fills of ${rec.clientId}`).to.be.closeTo(atVenue, 1e-9);
      }
      const c = h.gw.stats();
      // The weather was bad enough to exercise every path.
      expect(c.unknownResolved).to.be.greaterThan(5);
      expect(c.retries).to.be.greaterThan(0);
      expect(c.reconnects).to.be.greaterThan(2);
      expect(c.filled + c.canceled + c.expired).to.be.greaterThan(20);
      h.stop();
    });
  }
});
