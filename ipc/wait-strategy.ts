/**
 * How a ring's consumer waits for frames and its producer waits for space.
 *   spin  - busy-poll: lowest latency (~150 ns to see a frame here), burns its core.
 *   yield - busy-poll for a while, then nap in Atomics.wait with a short timeout;
 *           the producer never pays for a wake-up.
 *   block - announce sleep with a flag and Atomics.wait until the other side notifies
 *           (one extra Atomics.load per publish on that side); an idle thread burns no CPU.
 */
import type { RingConsumer, RingProducer } from './spsc-ring.js';

export const WAIT_STRATEGIES = ['spin', 'yield', 'block'] as const;
export type WaitStrategyName = (typeof WAIT_STRATEGIES)[number];

/** Idle polls before a yielding consumer naps. */
const YIELD_SPINS = 2000;
/** A yielding consumer's nap: short enough to keep latency bounded when load resumes. */
const YIELD_NAP_MS = 0.05;

export class ConsumerIdler {
  private idleSpins = 0;

  constructor(
    private readonly consumer: RingConsumer,
    readonly strategy: WaitStrategyName,
    private readonly maxSleepMs: number,
  ) {}

  /** Called when the ring was found empty; returns when the caller should poll again. */
  idle(): void {
    switch (this.strategy) {
      case 'spin':
        return;
      case 'yield':
        if (++this.idleSpins < YIELD_SPINS) return;
        this.idleSpins = 0;
        this.consumer.sleepUntilData(YIELD_NAP_MS);
        return;
      case 'block':
        this.consumer.sleepUntilData(this.maxSleepMs);
        return;
    }
  }

  /** Called when frames were found; resets the spin budget. */
  busy(): void {
    this.idleSpins = 0;
  }
}

const NAP_CELL = new Int32Array(new SharedArrayBuffer(4));

/** Sleeps `ms` in Atomics.wait on a word nobody notifies (Node allows it on the main thread). */
function timedNap(ms: number): void {
  Atomics.wait(NAP_CELL, 0, 0, ms);
}

/**
 * Main thread's idle policy between passes with nothing to do (no decision to
 * collect, no order due). spin: poll again. yield: poll, then nap 50 µs in
 * Atomics.wait and poll again (a timer would nap a whole millisecond and hold
 * every order due meanwhile). block: sleep on a timer until the next order is
 * due; an idle main burns no CPU, and its orders leave up to ~1 ms late.
 */
export class MainIdler {
  private idleSpins = 0;

  constructor(
    readonly strategy: WaitStrategyName,
    private readonly nap: (ms: number) => void = timedNap,
  ) {}

  /** True when the caller should leave its loop and sleep on a timer (block); otherwise it polls again. */
  idle(): boolean {
    if (this.strategy === 'spin') return false;
    if (this.strategy === 'block') return true;
    if (++this.idleSpins < YIELD_SPINS) return false;
    this.idleSpins = 0;
    this.nap(YIELD_NAP_MS);
    return false;
  }

  busy(): void {
    this.idleSpins = 0;
  }
}

/** Configures both ends of a ring for a strategy: block needs the wake-up handshake. */
export function applyWaitStrategy(
  strategy: WaitStrategyName,
  end: { producer?: RingProducer; consumer?: RingConsumer },
): void {
  const block = strategy === 'block';
  if (end.producer) end.producer.wakeConsumer = block;
  if (end.consumer) end.consumer.wakeProducer = block;
}
