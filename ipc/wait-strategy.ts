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

/** Configures both ends of a ring for a strategy: block needs the wake-up handshake. */
export function applyWaitStrategy(
  strategy: WaitStrategyName,
  end: { producer?: RingProducer; consumer?: RingConsumer },
): void {
  const block = strategy === 'block';
  if (end.producer) end.producer.wakeConsumer = block;
  if (end.consumer) end.consumer.wakeProducer = block;
}
