/**
 * The venue gateway thread (--exchange sim|URL), never main: takes the
 * workers' accepted orders from their gateway rings, sends them over the
 * venue's WebSocket API (core/gateway/: one logged-on session, the order
 * state machine, recovery), and writes the venue's executions back to the
 * owning workers. It drives the venue's circuit breaker (every venue
 * outcome) and its Retry-After on the breaker board (workers reject
 * RATE_LIMITED meanwhile).
 *
 * It waits on its event loop (the socket is there): a pass drains the rings
 * and runs the gateway's timers; when a pass finds nothing it sleeps 1 ms,
 * which bounds the extra wait an order sees in its ring.
 *
 * When the engine's stop begins, main says 'cancelAll': the gateway asks the
 * venue to cancel every order still open, and each new one once the venue
 * has it (a resting GTC order must not outlive the engine's risk checks; the
 * sources, still draining, get those finals). Then 'stop' (postMessage:
 * control, not the order path): the gateway stops taking orders, cancels
 * what is still open, waits up to drainMs for every order sent to reach a
 * final state, then closes the session and answers with its counters; then
 * { op: 'reconcile', orders } (the venue's own list) is answered with the
 * reconciliation of its view against the venue's (none lost, none twice). A crash is fatal for the run
 * (main's supervisor reports it): orders in flight at the venue are then
 * reconciled by the next start, never re-sent blind.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BreakerRegistry } from '../core/breaker/breaker-registry.js';
import { Outcome } from '../core/breaker/circuit-breaker.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { RealScheduler } from '../core/clock/scheduler.js';
import { Gateway } from '../core/gateway/gateway.js';
import type { VenueOrderView } from '../core/gateway/reconcile-report.js';
import { loadApiKeys } from '../core/gateway/api-keys.js';
import { ORDER_STATE_NAMES, OrderState } from '../core/gateway/order-state.js';
import { WsVenueConnection } from '../core/gateway/ws-connection.js';
import { createLogger } from '../core/logging/logger.js';
import { GatewayStat, gatewayStatsView } from '../ipc/gateway-stats-layout.js';
import { RingConsumer, RingProducer } from '../ipc/spsc-ring.js';
import { ThreadState } from '../ipc/thread-stats-layout.js';
import { GatewayPump } from './gateway-pump.js';
import { FinalState } from '../ipc/frame-layout.js';
import { ThreadHousekeeping } from './thread-housekeeping.js';
import type { GatewayConfig } from './worker-config.js';

const cfg = workerData as GatewayConfig;
const log = createLogger('gateway', cfg.logFd, cfg.logLevel);
const stats = gatewayStatsView(cfg.stats);
const clock = monotonicClock();
const house = new ThreadHousekeeping(stats.f64, clock);
house.setState(ThreadState.Starting);
house.pin(cfg.core, log, { gateway: cfg.venue });

const scheduler = new RealScheduler();
const breaker = new BreakerRegistry(cfg.breakerBoard, clock);
const venueBreaker = breaker.breakers[cfg.venue];
const backoffUntilNs = breaker.trading.backoffUntilNs;
const pump = new GatewayPump(
  cfg.links.map((l) => new RingConsumer(l.fromWorker)),
  cfg.links.map((l) => new RingProducer(l.toWorker)),
  cfg.finals.map((r) => new RingProducer(r)),
  stats,
  clock,
);
const FINAL: Partial<Record<OrderState, FinalState>> = {
  [OrderState.FILLED]: FinalState.FILLED,
  [OrderState.CANCELED]: FinalState.CANCELED,
  [OrderState.REJECTED]: FinalState.REJECTED,
  [OrderState.EXPIRED]: FinalState.EXPIRED,
};

const gateway = new Gateway(
  {
    symbols: cfg.instruments.map((i) => ({ venueSymbol: i.name.replace('/', ''), tickSize: i.tickSize, lotStep: i.lotStep })),
    ordersPerWindow: cfg.ordersPerWindow,
    orderWindowMs: cfg.orderWindowMs,
    timeInForce: cfg.tif,
    // Without a reconciliation at the end (a real venue), finished orders leave memory for good.
    archiveSettled: cfg.reconciled === true,
  },
  loadApiKeys(cfg.keys),
  scheduler,
  () => new WsVenueConnection(cfg.url),
  {
    onExecution: (clientId, _tradeId, price, qty, leavesOpen) => pump.execution(clientId, price, qty, leavesOpen),
    onAck: (clientId) => pump.acked(clientId),
    onFinal: (clientId, state, reason) => {
      const final = FINAL[state];
      if (final !== undefined) pump.final(clientId, final, reason);
      else log.error({ clientId, state: ORDER_STATE_NAMES[state] }, 'gateway reported a final state that is not final');
    },
    onVenueOutcome: (ok) => {
      if (!ok) stats.f64[GatewayStat.venueErrors]++;
      venueBreaker?.record(ok ? Outcome.SUCCESS : Outcome.FAILURE, clock.nowNs());
    },
    onBackoff: (untilMs) => {
      stats.f64[GatewayStat.backoffs]++;
      // The scheduler's epoch ms -> the shared monotonic clock the workers compare against.
      backoffUntilNs[cfg.venue] = clock.nowNs() + Math.max(0, untilMs - scheduler.nowMs()) * 1e6;
    },
  },
  log,
);
pump.attach({ submit: (o) => gateway.submit(o.clientId, o.symbol, o.side, o.type === 'MARKET' ? 1 : 0, o.price, o.quantity) });

/** While draining at the end: how long to wait for reports before asking the venue for its open orders. */
const AUDIT_WHILE_DRAINING_MS = 1000;
let stopping = false;
let timer: NodeJS.Timeout | undefined;

function copyCounters(): void {
  const c = gateway.counters;
  const f = stats.f64;
  f[GatewayStat.sent] = c.placesSent;
  f[GatewayStat.unknown] = c.unknown;
  f[GatewayStat.resolved] = c.unknownResolved;
  f[GatewayStat.retries] = c.retries;
  f[GatewayStat.reconnects] = c.reconnects;
  f[GatewayStat.duplicatesRefused] = c.duplicatesRefused;
  f[GatewayStat.duplicateTrades] = c.duplicateTrades;
  f[GatewayStat.connected] = gateway.session.ready ? 1 : 0;
}

function pass(): void {
  const work = stopping ? 0 : pump.doWork();
  copyCounters();
  if (work > 0) setImmediate(pass);
  else timer = setTimeout(pass, 1);
}

type Command = { op: 'cancelAll' } | { op: 'stop'; drainMs: number } | { op: 'reconcile'; orders: VenueOrderView[] };

function cancelAll(when: string): void {
  const n = gateway.cancelAll();
  if (n > 0) log.info({ orders: n }, `${when}: cancelling the ${n} orders still open at the venue`);
}

parentPort?.on('message', (m: Command) => {
  if (m.op === 'cancelAll') {
    cancelAll('stop begun');
    return;
  }
  if (m.op === 'reconcile') {
    parentPort?.postMessage({ op: 'reconciled', report: gateway.reconcileReport(m.orders) });
    return;
  }
  if (stopping) return;
  // Take what the workers already accepted, then no more; and leave nothing resting at the venue.
  while (pump.doWork() > 0);
  stopping = true;
  cancelAll('stopping');
  const end = Date.now() + m.drainMs;
  let nextAudit = Date.now() + AUDIT_WHILE_DRAINING_MS;
  const wait = (): void => {
    if (pump.open > 0 && Date.now() < end) {
      // An order whose last report was lost would wait for the periodic audit: ask now, and again while it lasts.
      if (Date.now() >= nextAudit && gateway.audit()) nextAudit = Date.now() + AUDIT_WHILE_DRAINING_MS;
      setTimeout(wait, 5);
      return;
    }
    clearTimeout(timer);
    clearInterval(harvest);
    gateway.stop();
    pump.doWork(); // writes the STOPPED finals of orders never sent
    copyCounters();
    house.stop();
    house.setState(ThreadState.Stopped);
    parentPort?.postMessage({ op: 'stopped', open: pump.open, counters: gateway.counters });
  };
  wait();
});

house.startGcCount();
const harvest = setInterval(() => house.harvest(), 1000);
house.setState(ThreadState.Running);
log.info({ url: cfg.url, venue: cfg.venue, tif: cfg.tif }, 'gateway connecting');
gateway.start();
pass();
