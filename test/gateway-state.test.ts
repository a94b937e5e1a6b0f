import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { OrderType, Side } from '../ipc/frame-layout.js';
import { ExecType, VenueStatus } from '../core/gateway/message-decoder.js';
import { OrderState, canTransition, isFinal } from '../core/gateway/order-state.js';
import { OrderRecord, OrderTracker, newCounters } from '../core/gateway/order-tracker.js';
import { SettledOrders } from '../core/gateway/settled-orders.js';
import { Ed25519Signer } from '../core/gateway/request-signer.js';
import { Harness } from './fixtures/gateway-harness.js';

const S = OrderState;
const ALL = Object.values(OrderState);
const FINALS = [S.FILLED, S.CANCELED, S.REJECTED, S.EXPIRED];

function tracker() {
  const execs: [number, number, number, number, boolean][] = [];
  const finals: [number, number, number][] = [];
  const t = new OrderTracker(
    { execution: (c, id, p, q, open) => execs.push([c, id, p, q, open]), final: (c, s, r) => finals.push([c, s, r]) },
    newCounters(),
  );
  const rec = new OrderRecord(1, 0, Side.Buy, OrderType.Limit, '100.00', '1.0', 0);
  rec.sends = 1;
  t.add(rec);
  return { t, rec, execs, finals };
}

describe('gateway order state machine', () => {
  it('a final state has no way out; UNKNOWN can become whatever the venue says', () => {
    for (const f of FINALS) for (const to of ALL) expect(canTransition(f, to), `${f}->${to}`).to.equal(false);
    for (const to of [S.ACCEPTED, S.PARTIALLY_FILLED, S.FILLED, S.CANCELED, S.REJECTED, S.EXPIRED, S.SUBMITTED]) expect(canTransition(S.UNKNOWN, to)).to.equal(true);
    expect(canTransition(S.SUBMITTED, S.PENDING_CANCEL)).to.equal(false); // a cancel waits for the ack
    expect(canTransition(S.PARTIALLY_FILLED, S.ACCEPTED)).to.equal(false);
    expect(canTransition(S.ACCEPTED, S.REJECTED)).to.equal(false);
    expect(canTransition(S.ACCEPTED, S.ACCEPTED)).to.equal(true);
    expect(ALL.filter(isFinal)).to.deep.equal(FINALS);
  });

  it('terminal transitions are idempotent: one final callback, whatever comes after', () => {
    const { t, rec, finals } = tracker();
    expect(t.transition(rec, S.ACCEPTED)).to.equal(true);
    expect(t.transition(rec, S.CANCELED)).to.equal(true);
    expect(t.transition(rec, S.CANCELED)).to.equal(false);
    expect(t.transition(rec, S.FILLED)).to.equal(false);
    t.report(rec, VenueStatus.FILLED, 1, 100, ExecType.TRADE, 9, 1, 100);
    expect(finals).to.deep.equal([[1, S.CANCELED, 0]]);
    expect(t.live.size).to.equal(0);
    expect(t.counters).to.deep.include({ canceled: 1, filled: 0, lateReports: 3 });
  });

  for (const archive of [true, false]) {
    it(`keeps the last N final orders whole, and ${archive ? 'archives' : 'drops'} the older ones: memory stays bounded`, () => {
      const t = new OrderTracker({ execution: () => {}, final: () => {} }, newCounters(), 3, archive ? new SettledOrders() : null);
      const recs: OrderRecord[] = [];
      for (let id = 1; id <= 5000; id++) {
        const rec = new OrderRecord(id, 0, Side.Buy, OrderType.Limit, '100.00', '1.0', 0);
        rec.sends = 1;
        t.add(rec);
        recs.push(rec);
        if (id % 2 === 0) t.report(rec, VenueStatus.FILLED, 1, 100, ExecType.TRADE, id, 1, 100);
        else t.report(rec, VenueStatus.EXPIRED, 0, 0, ExecType.NONE, -1, 0, 0);
      }
      const open = new OrderRecord(5001, 0, Side.Sell, OrderType.Limit, '100.00', '1.0', 0);
      t.add(open);
      expect([...t.orders.keys()]).to.deep.equal([4998, 4999, 5000, 5001]); // the live one and the last 3 final
      expect(t.evicted).to.equal(4997);
      expect(t.get(10)).to.equal(undefined); // a late report for it is a foreign one now
      const all = [...t.all()].map((o) => [o.clientId, o.state, o.cumQty, o.sends, o.known]);
      if (archive) {
        expect(all).to.have.length(5001);
        expect(all[0]).to.deep.equal([1, S.EXPIRED, 0, 1, true]);
        expect(all[1]).to.deep.equal([2, S.FILLED, 1, 1, true]);
        expect(all.slice(-2)).to.deep.equal([[5000, S.FILLED, 1, 1, true], [5001, S.SUBMITTED, 0, 0, false]]);
      } else {
        expect(all.map(([id]) => id)).to.deep.equal([4998, 4999, 5000, 5001]);
      }
    });
  }

  it('counts fills from the cumulative quantity, once, whichever way they arrive', () => {
    const { t, rec, execs, finals } = tracker();
    t.report(rec, VenueStatus.NEW, 0, 0, ExecType.NEW, -1, 0, 0);
    t.report(rec, VenueStatus.PARTIALLY_FILLED, 0.25, 25, ExecType.TRADE, 11, 0.25, 100);
    t.report(rec, VenueStatus.PARTIALLY_FILLED, 0.25, 25, ExecType.TRADE, 11, 0.25, 100); // the same trade again
    // An order.status answer knows of a later fill whose event was lost: the difference, at its average price.
    t.report(rec, VenueStatus.PARTIALLY_FILLED, 0.75, 75.5, ExecType.NONE, -1, 0, 0);
    // That event turns up after all: already counted.
    t.report(rec, VenueStatus.PARTIALLY_FILLED, 0.75, 75.5, ExecType.TRADE, 12, 0.5, 101);
    t.report(rec, VenueStatus.FILLED, 1, 100.5, ExecType.TRADE, 13, 0.25, 100);
    expect(execs).to.deep.equal([
      [1, 11, 100, 0.25, true],
      [1, -1, 101, 0.5, true],
      [1, 13, 100, 0.25, false],
    ]);
    expect(finals).to.deep.equal([[1, S.FILLED, 0]]);
    expect(t.counters).to.deep.include({ duplicateTrades: 1, acked: 1, executions: 3 });
  });

  it('keeps PENDING_CANCEL while the venue still shows the order live, and never goes back from partly filled', () => {
    const { t, rec } = tracker();
    t.report(rec, VenueStatus.PARTIALLY_FILLED, 0.5, 50, ExecType.TRADE, 1, 0.5, 100);
    t.report(rec, VenueStatus.NEW, 0.5, 50, ExecType.NONE, -1, 0, 0);
    expect(rec.state).to.equal(S.PARTIALLY_FILLED);
    t.transition(rec, S.PENDING_CANCEL);
    t.report(rec, VenueStatus.PARTIALLY_FILLED, 0.6, 60, ExecType.TRADE, 2, 0.1, 100);
    expect(rec.state).to.equal(S.PENDING_CANCEL);
    t.report(rec, VenueStatus.CANCELED, 0.6, 60, ExecType.CANCELED, -1, 0, 0);
    expect(rec.state).to.equal(S.CANCELED);
  });
});

describe('gateway reconcile report', () => {
  it('finds orders lost, placed twice, or ended differently', () => {
    const h = new Harness().start();
    for (const id of [1, 2, 3]) h.gw.submit(id, 0, Side.Buy, OrderType.Limit, 100, 1);
    h.run(10);
    h.venue.fill('bot4-1', 1, 100);
    h.gw.cancel(2);
    h.run(10);
    const venue = () => [...h.venue.orders.values()].map((o) => ({ clientOrderId: o.clientOrderId, status: o.status, executedQty: o.executedQty }));
    const ok = h.gw.reconcileReport(venue());
    expect(ok).to.deep.include({ ok: true, gatewayOrders: 3, venueOrders: 3, matched: 3 });
    const v = venue();
    const bad = h.gw.reconcileReport([
      { ...v[0], executedQty: 0.5 },
      { ...v[1], status: 'EXPIRED' },
      { clientOrderId: 'bot4-99', status: 'NEW', executedQty: 0 },
      { clientOrderId: 'bot4-99', status: 'FILLED', executedQty: 1 },
      { clientOrderId: 'someone-else', status: 'NEW', executedQty: 0 },
    ]);
    expect(bad).to.deep.include({
      ok: false,
      twice: ['bot4-99'],
      missingAtVenue: ['bot4-3'],
      unknownToGateway: ['bot4-99'],
      stateMismatch: ['bot4-2 gateway CANCELED venue EXPIRED'],
      fillMismatch: ['bot4-1 gateway 1 venue 0.5'],
    });
    h.venue.orders.get('bot4-3')!.status = 'CANCELED';
    expect(h.gw.reconcileReport(venue()).unsettled).to.deep.equal(['bot4-3 gateway ACCEPTED venue CANCELED']);
    h.stop();
  });
});

describe('gateway Ed25519 session', () => {
  it('logs on, subscribes, then sends orders unsigned', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const h = new Harness({}, new Ed25519Signer('ed-api-key-1', pem)).start();
    expect(h.venue.methods()).to.deep.equal(['session.logon', 'userDataStream.subscribe', 'openOrders.status']);
    expect(h.venue.requests[0].params).to.have.keys('apiKey', 'timestamp', 'signature');
    h.gw.submit(1, 0, Side.Sell, OrderType.Limit, 100, 1);
    h.run(10);
    expect(h.venue.requests.at(-1)!.params).to.not.have.any.keys('apiKey', 'signature');
    expect(h.gw.tracker.get(1)!.state).to.equal(S.ACCEPTED);
    h.stop();
  });
});
