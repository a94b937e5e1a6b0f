/**
 * Starts the engine workers, waits until each is running, and restarts a
 * worker that dies unexpectedly: the replacement attaches to the same rings
 * and stats block and resumes at the ring positions in shared memory, so
 * orders queued for it are not lost (a decision published just before the
 * crash may be repeated; the ledger counts such duplicates).
 */
import { Worker } from 'node:worker_threads';
import { WorkerStat, WorkerState, workerStatsView } from '../../ipc/worker-stats-layout.js';
import type { Logger } from '../../core/logging/logger.js';
import type { EngineWorkerConfig } from '../../workers/worker-config.js';

const WORKER_ENTRY = new URL('../../workers/engine-worker.js', import.meta.url);
const MAX_RESTARTS = 3;
const START_TIMEOUT_MS = 15_000;

export class Supervisor {
  private readonly threads: Worker[] = [];
  private readonly exited: Array<Promise<number>> = [];
  readonly restarts: number[];
  private stopping = false;

  constructor(
    private readonly configs: readonly EngineWorkerConfig[],
    private readonly log: Logger,
    private readonly onGiveUp: (workerId: number) => void,
  ) {
    this.restarts = configs.map(() => 0);
  }

  /** Starts every worker and resolves once all report Running. */
  async start(): Promise<void> {
    this.configs.forEach((_, i) => this.spawn(i));
    const deadline = Date.now() + START_TIMEOUT_MS;
    const views = this.configs.map((c) => workerStatsView(c.stats));
    while (!views.every((v) => v.f64[WorkerStat.state] === WorkerState.Running)) {
      if (Date.now() > deadline) throw new Error('engine workers did not start within 15 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private spawn(i: number): void {
    const cfg = this.configs[i];
    const w = new Worker(WORKER_ENTRY, { workerData: cfg, name: `bot4-worker-${cfg.workerId}` });
    this.threads[i] = w;
    w.on('error', (err) => this.log.error({ worker: cfg.workerId, err }, 'worker failed'));
    this.exited[i] = new Promise((resolve) =>
      w.once('exit', (code) => {
        if (!this.stopping) this.onUnexpectedExit(i, code);
        resolve(code);
      }),
    );
  }

  private onUnexpectedExit(i: number, code: number): void {
    const id = this.configs[i].workerId;
    if (this.restarts[i] >= MAX_RESTARTS) {
      this.log.error({ worker: id, code, restarts: this.restarts[i] }, 'worker died too often; giving up');
      this.onGiveUp(id);
      return;
    }
    this.restarts[i]++;
    this.log.warn({ worker: id, code, restart: this.restarts[i] }, 'worker exited unexpectedly; restarting on its rings');
    this.spawn(i);
  }

  /** Forcibly ends a worker (crash scenarios and tests). */
  kill(i: number): Promise<number> {
    return this.threads[i].terminate();
  }

  /** Waits for every worker to exit after it was told to shut down; terminates stragglers. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
    const all = Promise.all(this.exited);
    if ((await Promise.race([all, timer])) === 'timeout') {
      this.log.warn('workers did not stop in time; terminating');
      await Promise.all(this.threads.map((t) => t.terminate()));
    }
  }
}
