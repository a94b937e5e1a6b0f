/**
 * How a thread with nothing to do waits (Agrona's IdleStrategy), and how the
 * rings it reads and writes are set up for it.
 *   spin  - busy-poll: lowest latency (~150 ns to see a frame here), burns its core.
 *   yield - busy-poll for a while, then nap 50 µs in Atomics.wait; producers never
 *           pay for a wake-up.
 *   block - sleep on the thread's doorbell (ipc/doorbell.ts) until a producer rings it
 *           (one extra Atomics.load per publish on that side); an idle thread burns no CPU.
 * A runner calls idle(agent) after a pass that found no work and reset()
 * after one that did. Block takes one more look (agent.doWork()) after arming
 * the doorbell, so a frame published in between is never slept through.
 */
import { Doorbell } from './doorbell.js';
import type { RingConsumer, RingProducer } from './spsc-ring.js';

export const WAIT_STRATEGIES = ['spin', 'yield', 'block'] as const;
export type WaitStrategyName = (typeof WAIT_STRATEGIES)[number];

/** Idle passes before a yielding thread naps. */
export const YIELD_SPINS = 2000;
/** A yielding thread's nap: short enough to keep latency bounded when load resumes. */
export const YIELD_NAP_MS = 0.05;

/** Something that can look for work once more (the runner's agent). */
export interface WorkSource {
  doWork(): number;
  /**
   * [0]: the longest a blocked sleep may last now, in ms (a paced source's
   * next order is due); a register, since a returned double would be boxed.
   */
  readonly sleepBoundMs?: Float64Array;
}

const NAP_CELL = new Int32Array(new SharedArrayBuffer(4));

/** Sleeps `ms` in Atomics.wait on a word nobody notifies. */
function timedNap(ms: number): void {
  Atomics.wait(NAP_CELL, 0, 0, ms);
}

/** Strategies as small integers for the idle path: a strategy name that came through workerData is a non-internalised string, and comparing it deoptimised code optimised on literals. */
const SPIN = 0;
const YIELD = 1;
const BLOCK = 2;

export class IdleStrategy {
  private idleSpins = 0;
  private readonly kind: number;

  /**
   * `doorbell` is the thread's own (required for block); `maxSleepMs` bounds a
   * blocked sleep so that the thread's housekeeping still runs; `nap` is
   * replaceable for tests.
   */
  constructor(
    readonly strategy: WaitStrategyName,
    private readonly doorbell: Doorbell | null,
    private readonly maxSleepMs: number,
    private readonly nap: (ms: number) => void = timedNap,
  ) {
    if (strategy === 'block' && doorbell === null) throw new RangeError('the block wait strategy needs a doorbell');
    this.kind = strategy === 'spin' ? SPIN : strategy === 'yield' ? YIELD : BLOCK;
  }

  /** After a pass with no work. */
  idle(agent: WorkSource): void {
    if (this.kind === SPIN) return;
    if (this.kind === YIELD) {
      if (++this.idleSpins < YIELD_SPINS) return;
      this.idleSpins = 0;
      this.nap(YIELD_NAP_MS);
      return;
    }
    const bell = this.doorbell as Doorbell;
    bell.arm();
    if (agent.doWork() !== 0) bell.disarm();
    else if (agent.sleepBoundMs !== undefined && agent.sleepBoundMs[0] < this.maxSleepMs) bell.sleep(agent.sleepBoundMs[0]);
    else bell.sleep(this.maxSleepMs);
  }

  /** After a pass that did work. */
  reset(): void {
    this.idleSpins = 0;
  }
}

/**
 * Configures ring ends for a strategy. Under block, a producer rings the
 * consumer thread's doorbell after each publish, and a consumer wakes a
 * producer waiting for space after each release.
 */
export function applyWaitStrategy(
  strategy: WaitStrategyName,
  end: { producer?: RingProducer; consumerDoorbell?: SharedArrayBuffer; consumer?: RingConsumer },
): void {
  const block = strategy === 'block';
  if (end.producer) end.producer.doorbell = block && end.consumerDoorbell ? new Doorbell(end.consumerDoorbell) : null;
  if (end.consumer) end.consumer.wakeProducer = block;
}
