/**
 * The circuit breaker's state machine on one thread with a fake clock: every
 * transition, the sliding windows (count and time), backoff growth and cap,
 * half-open permits and probes, forced/disabled states, stale outcomes, the
 * kill switch and main's transition log.
 */
import { expect } from 'chai';
import { PerformanceObserver } from 'node:perf_hooks';
import { breakerSettings, type BreakerSettingsInput } from '../core/breaker/breaker-settings.js';
import { BreakerState, createBreakerBoard } from '../core/breaker/breaker-layout.js';
import { CircuitBreaker, NO_PERMIT, Outcome } from '../core/breaker/circuit-breaker.js';
import { BreakerRegistry, createBreakerRegistry } from '../core/breaker/breaker-registry.js';
import { BreakerWatcher } from '../core/breaker/breaker-watcher.js';
import { KillReason, TradingMode } from '../core/breaker/trading-state.js';
import { Venue } from '../core/venue/venue.js';
import { FakeClock } from './fixtures/fake-clock.js';

const BASE: BreakerSettingsInput = {
  slidingWindowSize: 10,
  minimumNumberOfCalls: 5,
  failureRateThreshold: 50,
  slowCallRateThreshold: 50,
  slowCallDurationThresholdMs: 100,
  permittedNumberOfCallsInHalfOpenState: 3,
  waitDurationInOpenStateMs: 1000,
  backoffMultiplier: 2,
  maxWaitDurationInOpenStateMs: 5000,
};

function make(over: BreakerSettingsInput = {}): { b: CircuitBreaker; clock: FakeClock; sab: SharedArrayBuffer } {
  const clock = new FakeClock();
  const sab = createBreakerBoard([breakerSettings({ ...BASE, ...over })]);
  return { b: new CircuitBreaker(sab, 0, clock), clock, sab };
}

function recordN(b: CircuitBreaker, n: number, outcome: number): void {
  for (let i = 0; i < n; i++) b.record(outcome);
}

/** Trips a CLOSED breaker with failures. */
function trip(b: CircuitBreaker): void {
  recordN(b, 10, Outcome.FAILURE);
  expect(b.state()).to.equal(BreakerState.OPEN);
}

/** From OPEN: waits out the backoff and takes all 3 probes. */
function toHalfOpen(b: CircuitBreaker, clock: FakeClock): void {
  clock.now = b.openUntilNs();
  expect(b.allow()).to.equal(true);
  expect(b.state()).to.equal(BreakerState.HALF_OPEN);
}

describe('circuit breaker: CLOSED and the count window', () => {
  it('allows while CLOSED and does not trip before the minimum number of calls', () => {
    const { b } = make();
    recordN(b, 4, Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.CLOSED);
    expect(b.allow()).to.equal(true);
    b.record(Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.OPEN);
  });

  it('judges the call that brings the window to the minimum, even a success', () => {
    const { b } = make();
    recordN(b, 4, Outcome.FAILURE);
    b.record(Outcome.SUCCESS); // 4 of 5 failed
    expect(b.state()).to.equal(BreakerState.OPEN);
  });

  it('trips on the failure rate at the threshold, not below it', () => {
    const { b } = make();
    // 6 successes then 4 failures: 40% over 10 calls, closed all along.
    for (let i = 0; i < 10; i++) b.record(i < 6 ? Outcome.SUCCESS : Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.CLOSED);
    expect(b.windowStats()).to.deep.equal({ calls: 10, failureRate: 40, slowCallRate: 0 });
    // The window slides: a success replaces the oldest success, still 4 of 10.
    b.record(Outcome.SUCCESS);
    expect(b.state()).to.equal(BreakerState.CLOSED);
    expect(b.windowStats().failureRate).to.equal(40);
    // A failure replaces the next success: 5 of 10 = 50% trips.
    b.record(Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.OPEN);
  });

  it('forgets failures older than the last N calls', () => {
    const { b } = make({ minimumNumberOfCalls: 10 });
    recordN(b, 4, Outcome.FAILURE);
    recordN(b, 100, Outcome.SUCCESS);
    expect(b.windowStats()).to.deep.equal({ calls: 10, failureRate: 0, slowCallRate: 0 });
    recordN(b, 4, Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.CLOSED);
    b.record(Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.OPEN);
  });

  it('trips on the slow-call rate; recordCall classifies slow by the duration threshold', () => {
    const { b } = make();
    recordN(b, 5, Outcome.SUCCESS);
    for (let i = 0; i < 4; i++) b.recordCall(false, 150e6);
    expect(b.state()).to.equal(BreakerState.CLOSED);
    b.recordCall(false, 99e6); // not slow: 4 of 10
    expect(b.state()).to.equal(BreakerState.CLOSED);
    expect(b.windowStats()).to.deep.equal({ calls: 10, failureRate: 0, slowCallRate: 40 });
    b.recordCall(false, 100e6); // slow: 5 of the last 10
    expect(b.state()).to.equal(BreakerState.OPEN);
  });

  it('keeps the window exact across the packed fields wrapping (thousands of calls)', () => {
    const { b } = make({ slidingWindowSize: 512, minimumNumberOfCalls: 512, failureRateThreshold: 100 });
    for (let i = 0; i < 20_000; i++) b.record(i % 4 === 0 ? Outcome.SLOW_FAILURE : Outcome.SUCCESS);
    expect(b.windowStats()).to.deep.equal({ calls: 512, failureRate: 25, slowCallRate: 25 });
  });
});

describe('circuit breaker: OPEN, backoff and HALF_OPEN', () => {
  it('refuses while OPEN and moves to HALF_OPEN on the first allow() after the wait', () => {
    const { b, clock } = make();
    const t0 = clock.now;
    trip(b);
    expect(b.openUntilNs()).to.equal(t0 + 1000e6);
    expect(b.allow()).to.equal(false);
    clock.now = t0 + 1000e6 - 1;
    expect(b.allow()).to.equal(false);
    expect(b.state()).to.equal(BreakerState.OPEN);
    clock.now = t0 + 1000e6;
    expect(b.allow()).to.equal(true);
    expect(b.state()).to.equal(BreakerState.HALF_OPEN);
  });

  it('grants exactly N permits per HALF_OPEN episode', () => {
    const { b, clock } = make();
    trip(b);
    toHalfOpen(b, clock);
    expect(b.allow()).to.equal(true);
    expect(b.allow()).to.equal(true);
    expect(b.allow()).to.equal(false);
    expect(b.allow()).to.equal(false);
  });

  it('closes after N successful probes, with a fresh window', () => {
    const { b, clock } = make();
    trip(b);
    toHalfOpen(b, clock);
    b.record(Outcome.SUCCESS);
    b.record(Outcome.SUCCESS);
    expect(b.state()).to.equal(BreakerState.HALF_OPEN);
    b.record(Outcome.SUCCESS);
    expect(b.state()).to.equal(BreakerState.CLOSED);
    expect(b.backoffAttempt()).to.equal(0);
    // The failures that tripped it are gone: 4 new failures are below the minimum.
    recordN(b, 4, Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.CLOSED);
    expect(b.windowStats()).to.deep.equal({ calls: 4, failureRate: 100, slowCallRate: 0 });
  });

  it('reopens on one failed or slow probe, and the backoff doubles up to its cap', () => {
    const { b, clock } = make();
    trip(b);
    const waits: number[] = [];
    for (let k = 0; k < 5; k++) {
      const openedAt = clock.now;
      waits.push((b.openUntilNs() - openedAt) / 1e6);
      toHalfOpen(b, clock);
      b.record(k % 2 === 0 ? Outcome.FAILURE : Outcome.SLOW);
      expect(b.state()).to.equal(BreakerState.OPEN);
    }
    waits.push((b.openUntilNs() - clock.now) / 1e6);
    expect(waits).to.deep.equal([1000, 2000, 4000, 5000, 5000, 5000]);
    expect(b.backoffAttempt()).to.equal(6);
    expect(b.openCount()).to.equal(6);
    // A success closes it and resets the backoff: the next trip waits the initial time again.
    toHalfOpen(b, clock);
    recordN(b, 3, Outcome.SUCCESS);
    expect(b.state()).to.equal(BreakerState.CLOSED);
    trip(b);
    expect(b.openUntilNs() - clock.now).to.equal(1000e6);
  });

  it('reopens HALF_OPEN after the half-open timeout when probes never report', () => {
    const { b, clock } = make({ maxWaitDurationInHalfOpenStateMs: 500 });
    trip(b);
    toHalfOpen(b, clock);
    b.allow();
    b.allow();
    clock.advanceMs(499);
    expect(b.allow()).to.equal(false);
    expect(b.state()).to.equal(BreakerState.HALF_OPEN);
    clock.advanceMs(1);
    expect(b.allow()).to.equal(false);
    expect(b.state()).to.equal(BreakerState.OPEN);
    expect(b.openUntilNs() - clock.now).to.equal(2000e6);
  });

  it('counts an outcome in the state its permit was given in: a CLOSED-era call is not a probe', () => {
    const { b, clock } = make();
    const closedPermit = b.acquire();
    expect(closedPermit).to.be.at.least(0);
    trip(b);
    expect(b.acquire()).to.equal(NO_PERMIT);
    toHalfOpen(b, clock);
    // A CLOSED-era call reporting now is not a probe.
    b.record(Outcome.SUCCESS, undefined, closedPermit);
    b.record(Outcome.SUCCESS, undefined, closedPermit);
    b.record(Outcome.SUCCESS, undefined, closedPermit);
    expect(b.state()).to.equal(BreakerState.HALF_OPEN);
    const probe = b.acquire();
    b.record(Outcome.FAILURE, undefined, probe);
    expect(b.state()).to.equal(BreakerState.OPEN);
  });
});

describe('circuit breaker: forced and disabled', () => {
  it('FORCED_OPEN refuses whatever the window or the clock says, until reset()', () => {
    const { b, clock } = make();
    b.forceOpen();
    expect(b.state()).to.equal(BreakerState.FORCED_OPEN);
    clock.advanceMs(1e7);
    expect(b.allow()).to.equal(false);
    recordN(b, 50, Outcome.SUCCESS);
    expect(b.state()).to.equal(BreakerState.FORCED_OPEN);
    b.reset();
    expect(b.state()).to.equal(BreakerState.CLOSED);
    expect(b.allow()).to.equal(true);
  });

  it('DISABLED allows everything, records nothing and never trips', () => {
    const { b } = make();
    b.disable();
    recordN(b, 100, Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.DISABLED);
    expect(b.allow()).to.equal(true);
    b.reset();
    recordN(b, 4, Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.CLOSED);
  });

  it('reset() clears an OPEN breaker and its backoff', () => {
    const { b, clock } = make();
    trip(b);
    toHalfOpen(b, clock);
    b.record(Outcome.FAILURE);
    expect(b.backoffAttempt()).to.equal(2);
    b.reset();
    expect(b.state()).to.equal(BreakerState.CLOSED);
    trip(b);
    expect(b.openUntilNs() - clock.now).to.equal(1000e6);
  });
});

describe('circuit breaker: time window (rolling buckets)', () => {
  const TIME: BreakerSettingsInput = { slidingWindowType: 'time', slidingWindowSize: 1, bucketMs: 100, minimumNumberOfCalls: 5 };

  it('counts the calls of the last N buckets and drops older buckets', () => {
    const { b, clock } = make({ ...TIME, minimumNumberOfCalls: 10 });
    recordN(b, 4, Outcome.FAILURE);
    clock.advanceMs(500);
    recordN(b, 6, Outcome.SUCCESS);
    expect(b.windowStats()).to.deep.equal({ calls: 10, failureRate: 40, slowCallRate: 0 });
    // 600 ms later the failures' bucket has left the 1 s window.
    clock.advanceMs(600);
    expect(b.windowStats()).to.deep.equal({ calls: 6, failureRate: 0, slowCallRate: 0 });
    recordN(b, 5, Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.CLOSED); // 5 of 11
    b.record(Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.OPEN); // 6 of 12
  });

  it('respects the minimum number of calls, and empty buckets between calls', () => {
    const { b, clock } = make(TIME);
    for (let i = 0; i < 4; i++) {
      b.record(Outcome.FAILURE);
      clock.advanceMs(300); // one call every third bucket
    }
    expect(b.state()).to.equal(BreakerState.CLOSED);
    expect(b.windowStats().calls).to.equal(3);
    recordN(b, 2, Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.OPEN);
  });

  it('starts a fresh window when it closes again', () => {
    const { b, clock } = make(TIME);
    recordN(b, 5, Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.OPEN);
    clock.now = b.openUntilNs();
    b.allow();
    recordN(b, 3, Outcome.SUCCESS);
    expect(b.state()).to.equal(BreakerState.CLOSED);
    expect(b.windowStats().calls).to.equal(0);
    recordN(b, 4, Outcome.FAILURE);
    expect(b.state()).to.equal(BreakerState.CLOSED);
  });
});

describe('circuit breaker: allocation', () => {
  // A time a caller computes is an unboxed double: handing it to a call that is not inlined boxes it
  // (16 bytes) in the caller. Workers pass the batch's clock reading as the clock returned it, or nothing.
  function drive(b: CircuitBreaker, batches: number, now: number): number {
    let admitted = 0;
    for (let i = 0; i < batches; i++) {
      for (let k = 0; k < 256; k++) {
        const p = b.acquire(now);
        if (p >= 0) {
          b.record((k & 15) === 3 ? Outcome.FAILURE : (k & 15) === 9 ? Outcome.SLOW : Outcome.SUCCESS, undefined, p);
          admitted++;
        }
      }
    }
    return admitted;
  }

  it('acquire, record (count and time windows) and allow on OPEN allocate nothing: no GC over 6 M calls', async () => {
    const count = make({ slidingWindowSize: 100, minimumNumberOfCalls: 100 }).b;
    const timed = make({ slidingWindowType: 'time', slidingWindowSize: 1, bucketMs: 100, minimumNumberOfCalls: 100 });
    const open = make().b;
    trip(open);
    const now = open.openUntilNs() - 1e9; // before the backoff ends
    drive(count, 1000, now);
    drive(timed.b, 1000, now);
    drive(open, 1000, now);
    await new Promise((r) => setTimeout(r, 20));
    let gcs = 0;
    const obs = new PerformanceObserver((list) => (gcs += list.getEntries().length));
    obs.observe({ entryTypes: ['gc'] });
    let admitted = drive(count, 10_000, now);
    for (let step = 0; step < 50; step++) {
      timed.clock.advanceMs(20); // the time window's buckets turn over while it records
      admitted += drive(timed.b, 100, now);
    }
    admitted += drive(open, 10_000, now);
    await new Promise((r) => setTimeout(r, 20));
    obs.disconnect();
    expect(admitted).to.equal(15_000 * 256);
    expect(count.state()).to.equal(BreakerState.CLOSED);
    expect(timed.b.state()).to.equal(BreakerState.CLOSED);
    expect(open.state()).to.equal(BreakerState.OPEN);
    expect(gcs).to.equal(0);
  });
});

describe('breaker settings', () => {
  it('rejects windows the layout cannot hold and inconsistent backoff', () => {
    expect(() => breakerSettings({ slidingWindowSize: 1025 })).to.throw(/at most 1024/);
    expect(() => breakerSettings({ slidingWindowType: 'time', slidingWindowSize: 10, bucketMs: 100 })).to.throw(/buckets/);
    expect(() => breakerSettings({ waitDurationInOpenStateMs: 5000, maxWaitDurationInOpenStateMs: 1000 })).to.throw(/maxWait/);
    expect(() => breakerSettings({ failureRateThreshold: 0 })).to.throw();
    expect(() => breakerSettings({ bogus: 1 } as BreakerSettingsInput)).to.throw();
  });

  it('defaults to resilience4j defaults', () => {
    const s = breakerSettings();
    expect(s).to.include({ slidingWindowType: 'count', slidingWindowSize: 100, minimumNumberOfCalls: 100, failureRateThreshold: 50 });
    expect(s).to.include({ slowCallRateThreshold: 100, permittedNumberOfCallsInHalfOpenState: 10, waitDurationInOpenStateMs: 60000 });
  });
});

describe('breaker registry, kill switch and watcher', () => {
  function registry(): { reg: BreakerRegistry; clock: FakeClock } {
    const clock = new FakeClock();
    const s = breakerSettings(BASE);
    return { reg: new BreakerRegistry(createBreakerRegistry({ binance: s, coinbase: s, kraken: s }), clock), clock };
  }

  it('gives one independent breaker per venue, shared by every attachment', () => {
    const { reg, clock } = registry();
    const other = new BreakerRegistry(reg.board, clock);
    trip(reg.breaker(Venue.coinbase));
    expect(other.breaker(Venue.coinbase).state()).to.equal(BreakerState.OPEN);
    expect(other.breaker(Venue.binance).state()).to.equal(BreakerState.CLOSED);
    expect(other.breaker(Venue.kraken).allow()).to.equal(true);
  });

  it('kill switch: HALTED everywhere at once, first reason wins, release restores the configured mode', () => {
    const { reg, clock } = registry();
    const other = new BreakerRegistry(reg.board, clock);
    expect(other.trading.mode()).to.equal(TradingMode.ACTIVE);
    reg.trading.setConfigured(TradingMode.REDUCING);
    expect(other.trading.mode()).to.equal(TradingMode.REDUCING);
    expect(reg.trading.trip(KillReason.DAILY_LOSS)).to.equal(true);
    expect(other.trading.trip(KillReason.OPERATOR)).to.equal(false);
    expect(other.trading.mode()).to.equal(TradingMode.HALTED);
    expect(other.trading.configured()).to.equal(TradingMode.REDUCING);
    expect(other.trading.killReason()).to.equal(KillReason.DAILY_LOSS);
    expect(other.trading.killedAtNs()).to.equal(clock.now);
    reg.trading.setConfigured(TradingMode.ACTIVE); // config reload while killed: still halted
    expect(other.trading.mode()).to.equal(TradingMode.HALTED);
    expect(reg.trading.release()).to.equal(true);
    expect(other.trading.mode()).to.equal(TradingMode.ACTIVE);
    reg.trading.setConfigured(TradingMode.HALTED);
    expect(other.trading.mode()).to.equal(TradingMode.HALTED);
  });

  it('watcher reports every transition with its cause, in order, and the kill switch', () => {
    const { reg, clock } = registry();
    const w = new BreakerWatcher(reg);
    const b = reg.breaker(Venue.kraken);
    trip(b);
    toHalfOpen(b, clock);
    b.record(Outcome.FAILURE);
    reg.trading.trip(KillReason.OPERATOR);
    const ev = w.poll();
    expect(ev.map((e) => `${e.breaker}:${e.from}->${e.to}:${e.reason}`)).to.deep.equal([
      'kraken:CLOSED->OPEN:failure rate',
      'kraken:OPEN->HALF_OPEN:backoff elapsed',
      'kraken:HALF_OPEN->OPEN:probe failed',
      'kill:CLOSED->FORCED_OPEN:operator',
    ]);
    expect(ev[0]).to.include({ calls: 5, failureRatePct: 100, attempt: 1, waitMs: 1000 });
    expect(ev[2]).to.include({ attempt: 2, waitMs: 2000 });
    expect(w.poll()).to.deep.equal([]);
    expect(w.summary()).to.equal('binance=CLOSED coinbase=CLOSED kraken=OPEN kill=operator');
    expect(w.states()).to.deep.equal({ binance: 'CLOSED', coinbase: 'CLOSED', kraken: 'OPEN', kill: 'FORCED_OPEN' });
  });

  it('watcher counts transitions it could not read when more than the log holds happened between polls', () => {
    const { reg } = registry();
    const w = new BreakerWatcher(reg);
    const b = reg.breaker(Venue.binance);
    for (let i = 0; i < 20; i++) {
      b.forceOpen();
      b.reset();
    }
    const ev = w.poll();
    expect(ev.length).to.equal(16);
    expect(ev[0].missed).to.equal(24);
    expect(ev[15].to).to.equal('CLOSED');
  });
});
