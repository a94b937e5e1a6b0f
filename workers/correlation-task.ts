/**
 * The correlation pool's thread (a piscina worker; engine/portfolio/correlation-service.ts
 * starts one). At load it steps out of the engine's way, as workerData says: pinned to a
 * core no engine thread uses, or, with no such core (or a refused pin), at the lowest
 * priority (nice 19) so the kernel's milliseconds yield to any pinned worker sharing its
 * core. Then it builds the kernel the service chose (the scalar TypeScript one, said in
 * the answer to 'init', if that cannot be built). Tasks: 'init' answers what it did (the service
 * says it once at start); 'round' recomputes and publishes one matrix (core/portfolio/
 * correlation-round.ts). A crash in a round rejects that task only; piscina replaces a
 * dead thread, which runs this set-up again.
 */
import os from 'node:os';
import { workerData } from 'piscina';
import { currentTid, pinThreadToCore } from '../core/affinity/cpu-affinity.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { CorrelationRound, type RoundResult } from '../core/portfolio/correlation-round.js';
import type { CorrelationTaskData, InitResult, Placement } from '../core/portfolio/correlation-pool-protocol.js';
import { ScalarKernel, type CorrelationKernel, type KernelName } from '../core/portfolio/correlation-kernels.js';
import { createKernel } from '../core/portfolio/wasm-kernel.js';

/** The lowest scheduling priority Linux gives a thread. */
const LOWEST_NICE = 19;

function lowerPriority(reason: string): Placement {
  const tid = currentTid();
  try {
    // setpriority(PRIO_PROCESS, tid) on Linux changes that one thread, not the process.
    os.setPriority(tid > 0 ? tid : 0, LOWEST_NICE);
    return { mode: 'nice', nice: os.getPriority(tid > 0 ? tid : 0), reason };
  } catch (e) {
    return { mode: 'nice', nice: 0, reason: `${reason}; setPriority failed too: ${(e as Error).message}` };
  }
}

function place(core: number): Placement {
  if (core < 0) return lowerPriority('no core free of engine threads');
  const pin = pinThreadToCore(core);
  return pin.ok ? { mode: 'pinned', core } : lowerPriority(`pin to core ${core} failed: ${pin.reason ?? ''}`);
}

const data = workerData as CorrelationTaskData;
const placement = place(data.core);
/** The service's kernel, or the scalar TypeScript one when it cannot be built (a .wasm missing: `npm run build` not run). */
function buildKernel(name: KernelName): { kernel: CorrelationKernel; fallback?: string } {
  try {
    return { kernel: createKernel(name) };
  } catch (e) {
    return { kernel: new ScalarKernel(), fallback: `${name} unavailable (${(e as Error).message})` };
  }
}

const { kernel, fallback } = buildKernel(data.kernel);
const round = new CorrelationRound(data.returns, data.covariance, kernel, data.minPoints);
const clock = monotonicClock();

export default function task(op: 'init' | 'round'): InitResult | RoundResult {
  if (op === 'init') return { kernel: kernel.name, placement, ...(fallback ? { fallback } : {}) };
  return round.run(clock.nowNs());
}
