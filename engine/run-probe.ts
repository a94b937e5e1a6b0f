/**
 * Watches a running engine from main's event loop, off the order path, for
 * the scenario runner (scripts/scenario.ts): every `intervalMs` it reads the
 * shared counters the threads keep anyway (the sources' decisions by reason,
 * the exposure ledger, the trading word) and keeps what a crash replay
 * reports: when each reject reason first appeared, when the kill switch
 * tripped and why, the peak gross exposure, the lowest realized PnL of the day.
 * Times are ms since the sources' common start. Reasons are read by code from
 * core/risk/reject-reason.ts, so a reason added later (VAR_LIMIT) is watched
 * without a change here.
 *
 * With --correlation on it also reads every correlation matrix the pool
 * publishes (CovarianceView on the assembly's covariance buffer: the very
 * matrices the workers' VaR check reads), once per new version, and keeps the
 * mean off-diagonal correlation of the first `correlationSymbols` symbols with
 * the time the pool computed it. Given the limits' VaR settings, it also
 * computes the account's parametric VaR as the workers define it
 * (core/risk/portfolio-var.ts: w = (position + open net qty) x mark from the
 * position board, VaR = z sqrt(w' Sigma w x horizonMs / sampleMs)) from the
 * newest published covariance at every sample, and keeps its peak: a view
 * from main, up to one batch behind the workers' own, and nothing before the
 * first publication (the workers use their stand-in matrix then).
 */
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { KILL_REASON_NAMES } from '../core/breaker/trading-state.js';
import { REASON_SLOTS, Reason, reasonName } from '../core/risk/reject-reason.js';
import { SOURCE_START_NS, SourceCommand, sourceStatsView, type SourceStatsView } from '../ipc/source-stats-layout.js';
import { CovarianceView } from '../ipc/covariance-layout.js';
import { meanOffDiagonal } from '../core/portfolio/correlation-stats.js';
import { PositionBoardRows, PositionField, ROW_FIELDS } from '../core/risk/position-board.js';
import { normalQuantile } from '../core/risk/normal-quantile.js';
import type { EngineRun } from './engine.js';
import type { CorrelationReading, ProbeReport } from '../core/metrics/probe-report.js';


/** What a probe watches besides the counters. */
export interface ProbeOptions {
  /** The symbols (ids 0 to n - 1) whose mean correlation is kept; default all of them. */
  correlationSymbols?: number;
  /** The VaR settings (the limits file's portfolioVar) to compute the account's VaR with; none: no VaR figures. */
  varSettings?: { confidence: number; horizonMs: number };
  /** A moment (ms since the start, e.g. an event's start): rejects by reason are also counted from it on. */
  markMs?: number;
}


export class RunProbe {
  private readonly sources: SourceStatsView[];
  private readonly clock = monotonicClock();
  private readonly first = new Float64Array(REASON_SLOTS).fill(-1);
  private startNs = NaN;
  private timer: NodeJS.Timeout | undefined;
  private acceptedAtKill = NaN;
  private readonly out: ProbeReport;
  private readonly covariance: CovarianceView | undefined;
  private readonly corr: Float64Array;
  private seenVersion = 0;
  private readonly markMs: number;
  private readonly atMark = new Float64Array(REASON_SLOTS).fill(-1);
  private readonly sigma: Float64Array;
  private readonly w: Float64Array;
  private readonly row = new Float64Array(ROW_FIELDS);
  private readonly board: PositionBoardRows;
  /** z sqrt(horizonMs / sampleMs): VaR = varScale * sqrt(w' Sigma w); NaN without settings. */
  private readonly varScale: number;

  constructor(
    private readonly run: EngineRun,
    private readonly intervalMs: number,
    /** Called once, at the sample that first sees the kill switch tripped (ms since the start). */
    private readonly onKill: (ms: number) => void = () => {},
    watch: ProbeOptions = {},
  ) {
    const { correlationSymbols, varSettings } = watch;
    this.markMs = watch.markMs ?? Infinity;
    this.sources = run.assembly.sourceConfigs.map((c) => sourceStatsView(c.stats));
    const { exposure } = run.assembly.risk;
    this.out = { firstRejectMs: {}, peakExposure: 0, exposureLimit: exposure.limit() * exposure.exposureQuantum, lowestDailyPnl: 0 };
    const buffers = run.assembly.correlation;
    this.covariance = buffers ? new CovarianceView(buffers.covariance) : undefined;
    const m = this.covariance?.symbols ?? 0;
    this.corr = new Float64Array(m * m);
    this.sigma = new Float64Array(m * m);
    this.w = new Float64Array(m);
    this.board = new PositionBoardRows(run.assembly.positions);
    this.varScale = this.covariance && varSettings ? normalQuantile(varSettings.confidence) * Math.sqrt(varSettings.horizonMs / this.covariance.sampleMs) : NaN;
    if (this.covariance) {
      const symbols = Math.min(m, correlationSymbols ?? m);
      this.out.correlation = { sampleMs: this.covariance.sampleMs, window: this.covariance.window, symbols, readings: [] };
    }
  }

  /** Starts sampling; the engine has given its sources their start time (startEngine has resolved). */
  start(): void {
    const v = this.sources[0];
    if (!v || Atomics.load(v.commands, SourceCommand.go) !== 1) throw new Error('run probe: the sources have not been given their start');
    this.startNs = v.commandsF64[SOURCE_START_NS];
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** When the pool computed the newest matrix read (ms since the start); -Infinity before one. */
  lastMatrixMs(): number {
    return this.out.correlation?.readings.at(-1)?.ms ?? -Infinity;
  }

  /** Ms since the sources' start, now. */
  elapsedMs(): number {
    return (this.clock.nowNs() - this.startNs) / 1e6;
  }

  /** Stops sampling after one last sample; the report. */
  stop(): ProbeReport {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.out;
  }

  private sample(): void {
    const ms = Math.max(0, this.elapsedMs());
    let accepted = 0;
    const marking = ms >= this.markMs && this.out.fromMark === undefined;
    if (marking) this.out.fromMark = { ms: Math.round(ms), rejected: {}, firstRejectMs: {} };
    const from = this.out.fromMark;
    for (let r = 0; r < REASON_SLOTS; r++) {
      let n = 0;
      for (const v of this.sources) n += v.byReason[r];
      if (marking) this.atMark[r] = n;
      if (r === Reason.ACCEPTED) accepted = n;
      else {
        if (n > 0 && this.first[r] < 0) {
          this.first[r] = ms;
          this.out.firstRejectMs[reasonName(r)] = Math.round(ms);
        }
        if (from && n > this.atMark[r]) {
          const name = reasonName(r);
          from.rejected[name] = n - this.atMark[r];
          from.firstRejectMs[name] ??= Math.round(ms);
        }
      }
    }
    const { exposure, registry } = this.run.assembly.risk;
    const used = exposure.used() * exposure.exposureQuantum;
    if (used > this.out.peakExposure) this.out.peakExposure = used;
    const pnl = exposure.dailyPnl();
    if (pnl < this.out.lowestDailyPnl) this.out.lowestDailyPnl = pnl;
    const kill = registry.trading.killReason();
    if (kill !== 0 && this.out.killMs === undefined) {
      this.out.killMs = Math.round(ms);
      this.out.killReason = KILL_REASON_NAMES[kill] ?? String(kill);
      this.acceptedAtKill = accepted;
      this.onKill(ms);
    }
    if (this.out.killMs !== undefined) this.out.acceptedAfterKill = accepted - this.acceptedAtKill;
    const fresh = this.readCorrelation();
    const valueAtRisk = this.valueAtRisk(ms);
    if (fresh) this.out.correlation!.readings.at(-1)!.valueAtRisk = Math.round(valueAtRisk);
  }

  /** A matrix published since the last sample: its mean off-diagonal, stamped with its compute time. A torn read waits for the next sample. */
  private readCorrelation(): boolean {
    const view = this.covariance;
    const c = this.out.correlation;
    if (!view || !c || view.version() === this.seenVersion) return false;
    const info = view.info();
    const version = view.readCorrelation(this.corr);
    if (version <= 0 || info === null || info.version !== version || view.readCovariance(this.sigma) !== version) return false;
    this.seenVersion = version;
    c.readings.push({ ms: Math.round((info.computedNs - this.startNs) / 1e5) / 10, version, points: info.points, meanOffDiagonal: meanOffDiagonal(this.corr, view.symbols, c.symbols), valueAtRisk: NaN });
    return true;
  }

  /** The account's VaR now, with the matrix last read (NaN before one, or without settings); keeps the peak. */
  private valueAtRisk(ms: number): number {
    if (this.seenVersion === 0 || Number.isNaN(this.varScale)) return NaN;
    const m = this.w.length;
    for (let s = 0; s < m; s++) {
      // A row mid-write through every retry keeps its previous value.
      if (!this.board.copyRow(s, this.row)) continue;
      const r = this.row;
      const mark = r[PositionField.refMid] > 0 ? r[PositionField.refMid] : r[PositionField.avgPrice];
      const qty = r[PositionField.position] + r[PositionField.openNetQty];
      this.w[s] = qty !== 0 && mark > 0 ? qty * mark : 0;
    }
    let v = 0;
    for (let i = 0; i < m; i++) {
      if (this.w[i] === 0) continue;
      let row = 0;
      for (let j = 0; j < m; j++) {
        const c = this.sigma[i * m + j];
        if (Number.isFinite(c)) row += c * this.w[j];
      }
      v += this.w[i] * row;
    }
    const value = this.varScale * Math.sqrt(v > 0 ? v : 0);
    if (this.out.peakVar === undefined || value > this.out.peakVar.value) this.out.peakVar = { value: Math.round(value), ms: Math.round(ms) };
    return value;
  }
}
