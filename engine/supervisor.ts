/**
 * Starts the threads on the order path (risk workers, order sources), waits
 * until each is warm, and watches them. A risk worker that dies unexpectedly
 * is restarted: the replacement attaches to the same rings and stats block
 * (without a second warm-up) and resumes at the ring positions in shared
 * memory, so orders queued for it are not lost (a decision published just
 * before the crash may be repeated; the source's ledger counts such
 * duplicates). A source that dies takes its ledger with it: fatal.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../core/logging/logger.js';
import { ThreadStat, ThreadState } from '../ipc/thread-stats-layout.js';
import { sourceStatsView } from '../ipc/source-stats-layout.js';
import { workerStatsView } from '../ipc/worker-stats-layout.js';
import type { EngineWorkerConfig, OrderSourceConfig } from '../workers/worker-config.js';

const WORKER_ENTRY = new URL('../workers/engine-worker.js', import.meta.url);
const SOURCE_ENTRY = new URL('../workers/order-source-thread.js', import.meta.url);
const MAX_RESTARTS = 3;
const START_TIMEOUT_MS = 30_000;

interface Managed {
  name: string;
  entry: URL;
  config: EngineWorkerConfig | OrderSourceConfig;
  stats: Float64Array;
  restartable: boolean;
  thread?: Worker;
  exited?: Promise<number>;
  restarts: number;
  /** The last error the thread reported ('error' event), for the reason given when it dies. */
  lastError?: string;
}

export class Supervisor {
  private readonly managed: Managed[];
  private stopping = false;
  /** Set until start() resolves: a fatal failure then fails start() instead of stopping a run that has not begun. */
  private starting = false;
  private startFailure?: string;

  constructor(
    workers: readonly EngineWorkerConfig[],
    sources: readonly OrderSourceConfig[],
    private readonly log: Logger,
    private readonly onFatal: (reason: string) => void,
  ) {
    this.managed = [
      ...workers.map((c): Managed => ({ name: `worker ${c.workerId}`, entry: WORKER_ENTRY, config: c, stats: workerStatsView(c.stats).f64, restartable: true, restarts: 0 })),
      ...sources.map((c): Managed => ({ name: `source ${c.sourceId}`, entry: SOURCE_ENTRY, config: c, stats: sourceStatsView(c.stats).f64, restartable: false, restarts: 0 })),
    ];
  }

  /** Restarts of worker w so far. */
  restarts(w: number): number {
    return this.managed[w].restarts;
  }

  /**
   * Starts every thread and resolves once each is warm: workers Running,
   * sources Ready (they wait for main's go). Rejects after a timeout or a thread failure.
   */
  async start(): Promise<void> {
    this.starting = true;
    try {
      this.managed.forEach((m) => this.spawn(m, m.config));
      const deadline = Date.now() + START_TIMEOUT_MS;
      const warm = (m: Managed) => m.stats[ThreadStat.state] >= (m.restartable ? ThreadState.Running : ThreadState.Ready);
      while (!this.managed.every(warm)) {
        if (this.startFailure) throw new Error(this.startFailure);
        if (this.stopping) throw new Error('stopped while starting');
        if (Date.now() > deadline) {
          const cold = this.managed.filter((m) => !warm(m)).map((m) => m.name);
          // One line even with hundreds of threads: the first few names and a count.
          throw new Error(`threads not warm within ${START_TIMEOUT_MS / 1000} s: ${cold.length} of ${this.managed.length} (${cold.slice(0, 4).join(', ')}${cold.length > 4 ? ', ...' : ''})`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      this.starting = false;
    }
  }

  private spawn(m: Managed, config: EngineWorkerConfig | OrderSourceConfig): void {
    const w = new Worker(m.entry, { workerData: config, name: `bot4-${m.name.replace(' ', '-')}` });
    m.thread = w;
    w.on('error', (err) => {
      m.lastError = err.message;
      this.log.error({ thread: m.name, err }, 'thread failed');
    });
    m.exited = new Promise((resolve) =>
      w.once('exit', (code) => {
        if (!this.stopping && !(m.stats[ThreadStat.state] === ThreadState.Stopped && code === 0)) this.onUnexpectedExit(m, code);
        resolve(code);
      }),
    );
  }

  private onUnexpectedExit(m: Managed, code: number): void {
    if (!m.restartable || m.restarts >= MAX_RESTARTS) {
      this.log.error({ thread: m.name, code, restarts: m.restarts }, m.restartable ? 'thread died too often; giving up' : 'thread died');
      const reason = `${m.name} ${m.restartable ? 'kept dying' : 'died'} (exit code ${code}${m.lastError ? `: ${m.lastError.split('\n')[0]}` : ''})`;
      if (this.starting) this.startFailure = reason;
      else this.onFatal(reason);
      return;
    }
    m.restarts++;
    this.log.warn({ thread: m.name, code, restart: m.restarts }, 'thread exited unexpectedly; restarting on its rings');
    const config = m.config as EngineWorkerConfig;
    this.spawn(m, { ...config, warmUp: { ...config.warmUp, orders: 0 } });
  }

  /** Forcibly ends worker w (crash scenarios and tests). */
  kill(w: number): Promise<number> {
    return (this.managed[w].thread as Worker).terminate();
  }

  /** Resolves when every order source has exited (after main's stop command, once drained). */
  async sourcesExited(timeoutMs: number): Promise<boolean> {
    const sources = this.managed.filter((m) => !m.restartable).map((m) => m.exited as Promise<number>);
    return raceTimeout(Promise.all(sources), timeoutMs);
  }

  /** Waits for every thread to exit after it was told to; terminates stragglers. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const all = Promise.all(this.managed.map((m) => m.exited as Promise<number>));
    if (!(await raceTimeout(all, timeoutMs))) {
      this.log.warn('threads did not stop in time; terminating');
      await Promise.all(this.managed.map((m) => m.thread?.terminate()));
    }
  }
}

/** True when `p` settles within `ms`. */
async function raceTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const ok = await Promise.race([p.then(() => true as const), timeout]);
  clearTimeout(timer);
  return ok;
}
