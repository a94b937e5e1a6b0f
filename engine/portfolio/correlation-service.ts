/**
 * The correlation engine as the engine sees it (issue 11): over the two shared
 * buffers (the returns windows the risk workers sample into, the covariance
 * matrix they read), a piscina pool of one thread that
 * recomputes and publishes the matrix every recomputeMs, off the hot path.
 *
 * One thread, not more: the publisher is the seqlock's single writer, and a
 * round is a fraction of a millisecond (50 x 1000 with SIMD: about 0.2 ms).
 * A tick that finds the previous round still running skips (counted as an
 * overrun): rounds never queue, and no engine thread ever waits for one. The
 * pool thread runs on a core no engine thread is pinned to when there is one,
 * else at nice 19 (workers/correlation-task.ts); start() says which, once,
 * and says so too when the runtime has no WASM SIMD (scalar TypeScript kernel).
 *
 * Wiring (engine/engine.ts with --correlation on): the assembly makes the
 * buffers (createCorrelationBuffers), the workers sample their symbols' mids
 * into `returns` (workers/engine-loop.ts), whoever reads the matrix attaches a
 * CovarianceView to `covariance`; start() once the workers are pinned, stop()
 * at shutdown.
 */
import { Piscina } from 'piscina';
import type { Logger } from '../../core/logging/logger.js';
import { RealScheduler, type Scheduler, type TimerId } from '../../core/clock/scheduler.js';
import type { RoundResult } from '../../core/portfolio/correlation-round.js';
import { bestKernelName, wasmSimdSupported } from '../../core/portfolio/wasm-kernel.js';
import { machineCores } from '../../core/affinity/cpu-affinity.js';
import { correlationOptionsSchema, type CorrelationOptions } from '../../core/portfolio/correlation-options.js';
import { attachCovarianceMatrix, createCovarianceMatrix } from '../../ipc/covariance-layout.js';
import { attachReturnsWindow, createReturnsWindow } from '../../ipc/returns-window-layout.js';
import type { CorrelationTaskData, InitResult } from '../../core/portfolio/correlation-pool-protocol.js';
import type { KernelName } from '../../core/portfolio/correlation-kernels.js';

/** The two shared buffers, made by the engine's assembly (or a test) before any thread starts. */
export function createCorrelationBuffers(symbols: number, o: CorrelationOptions): { returns: SharedArrayBuffer; covariance: SharedArrayBuffer } {
  return {
    returns: createReturnsWindow({ symbols, window: o.window, sampleMs: o.sampleMs }),
    covariance: createCovarianceMatrix({ symbols, window: o.window, sampleMs: o.sampleMs }),
  };
}

export interface CorrelationServiceDeps {
  /** From createCorrelationBuffers with the same options. */
  returns: SharedArrayBuffer;
  covariance: SharedArrayBuffer;
  logger: Logger;
  /** Every core an engine thread (main, sources, workers) is pinned to; the pool avoids them. */
  engineCores: readonly number[];
  cores?: number;
  scheduler?: Scheduler;
  /** Whether the runtime has WASM SIMD (tests inject false to see the fallback). */
  simd?: () => boolean;
}

export interface CorrelationStats {
  /** The kernel the pool thread runs (the chosen one, or ts-scalar where that could not be loaded). */
  kernel: KernelName;
  rounds: number;
  published: number;
  warming: number;
  torn: number;
  failed: number;
  /** Ticks that found the previous round still running. */
  overruns: number;
  /** The last published round's kernel time. */
  lastComputeMs: number;
}

export class CorrelationService {
  readonly options: CorrelationOptions;
  /** ipc/returns-window-layout.ts: the workers' ReturnsWriter, the pool's reader. */
  readonly returns: SharedArrayBuffer;
  /** ipc/covariance-layout.ts: the pool's publisher, everyone's CovarianceView. */
  readonly covariance: SharedArrayBuffer;
  /** The kernel chosen for this runtime (stats().kernel: the one the pool thread runs). */
  readonly kernel: 'wasm-simd' | 'ts-scalar';
  private readonly scheduler: Scheduler;
  private readonly counters: CorrelationStats;
  private pool: Piscina | undefined;
  private timer: TimerId | undefined;
  private inFlight: Promise<RoundResult | undefined> | undefined;
  private stopped = false;

  /** Throws a ZodError naming the bad option. */
  constructor(
    options: Partial<CorrelationOptions>,
    private readonly deps: CorrelationServiceDeps,
  ) {
    this.options = correlationOptionsSchema.parse(options);
    const g = attachReturnsWindow(deps.returns);
    const c = attachCovarianceMatrix(deps.covariance);
    if (g.window !== this.options.window || g.sampleMs !== this.options.sampleMs || c.symbols !== g.symbols) {
      throw new RangeError(`correlation buffers (${g.symbols} symbols x ${g.window} every ${g.sampleMs} ms, matrix ${c.symbols}) do not match the options`);
    }
    this.returns = deps.returns;
    this.covariance = deps.covariance;
    this.scheduler = deps.scheduler ?? new RealScheduler();
    this.kernel = bestKernelName(deps.simd ?? wasmSimdSupported);
    this.counters = { kernel: this.kernel, rounds: 0, published: 0, warming: 0, torn: 0, failed: 0, overruns: 0, lastComputeMs: NaN };
  }

  /** The pool core: the first core no engine thread uses, or -1. */
  private spareCore(): number {
    const cores = this.deps.cores ?? machineCores();
    for (let c = 0; c < cores; c++) if (!this.deps.engineCores.includes(c)) return c;
    return -1;
  }

  /** Starts the pool thread, says once where it runs and with which kernel, then recomputes every recomputeMs. */
  async start(): Promise<InitResult> {
    const log = this.deps.logger;
    if (this.kernel !== 'wasm-simd') log.warn('no WebAssembly SIMD in this runtime: correlation on the scalar TypeScript kernel');
    const workerData: CorrelationTaskData = {
      returns: this.returns,
      covariance: this.covariance,
      minPoints: this.options.minPoints,
      core: this.spareCore(),
      kernel: this.kernel,
    };
    this.pool = new Piscina({
      filename: new URL('../../workers/correlation-task.js', import.meta.url).href,
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: Infinity,
      workerData,
    });
    const init = (await this.pool.run('init')) as InitResult;
    this.counters.kernel = init.kernel;
    if (init.fallback) log.warn({ kernel: init.kernel }, `correlation: ${init.fallback}; on the scalar TypeScript kernel`);
    const p = init.placement;
    if (p.mode === 'pinned') log.info({ kernel: init.kernel, core: p.core }, `correlation pool: kernel ${init.kernel}, pinned to core ${p.core} (no engine thread there)`);
    else log.warn({ kernel: init.kernel, nice: p.nice }, `correlation pool: kernel ${init.kernel}, at nice ${p.nice} (${p.reason})`);
    this.schedule();
    return init;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.scheduler.after(this.options.recomputeMs, () => {
      if (this.inFlight) this.counters.overruns++;
      else void this.recompute();
      this.schedule();
    });
  }

  /** One round now (the timer's; tests call it directly); undefined when the round failed (logged). */
  recompute(): Promise<RoundResult | undefined> {
    if (!this.pool) throw new Error('correlation service not started');
    const s = this.counters;
    const round = (this.pool.run('round') as Promise<RoundResult>).then(
      (r) => {
        s.rounds++;
        if (r.outcome === 'published') {
          s.published++;
          s.lastComputeMs = r.computeMs;
        } else if (r.outcome === 'warming') s.warming++;
        else s.torn++;
        return r;
      },
      (e: unknown) => {
        s.failed++;
        // The 1st, 2nd, 4th, 8th... failure: a fault that persists must not write a line every round.
        if ((s.failed & (s.failed - 1)) === 0) this.deps.logger.error({ err: e, failed: s.failed }, 'correlation round failed');
        return undefined;
      },
    );
    this.inFlight = round.finally(() => (this.inFlight = undefined));
    return round;
  }

  stats(): Readonly<CorrelationStats> {
    return this.counters;
  }

  /** Stops the timer, lets a running round finish, ends the pool thread. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.scheduler.cancel(this.timer);
    await this.inFlight;
    await this.pool?.destroy();
    this.pool = undefined;
  }
}
