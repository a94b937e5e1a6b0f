/**
 * What a scenario run prints: from the path (the event's moves, its worst
 * point, and the model's input correlation), the run probe (first reject of
 * each reason, from the start and from the event's start, the kill switch,
 * peak exposure, the worst realized PnL, the engine's published correlation
 * matrices and the account's VaR) and the engine's summary (rejects by reason,
 * the day's realized PnL, the correlation pool's counters), against the limits.
 * Engine times are also given in event hours (through the path's compression).
 */
import { CRASH_EVENTS } from './events.js';
import { meanOffDiagonalCorrelation, CORRELATION_WINDOW } from './path-correlation.js';
import { LEAD_S, worstStep, type ScenarioPath } from './price-path.js';
import type { CorrelationReading, ProbeReport } from '../../core/metrics/probe-report.js';

/** The limits file's portfolioVar (core/config/limits-config.ts), when it has one. */
export interface VarSettings {
  limit: number;
  confidence: number;
  horizonMs: number;
}

export interface RunFindings {
  probe: ProbeReport;
  /** The engine's summary: rejected by reason, counts, and its risk line. */
  summary: {
    rejected?: Record<string, number>;
    generated?: number;
    decided?: number;
    accepted?: number;
    lost?: number;
    risk?: { dailyPnl?: number; trading?: string; killReason?: string };
    /** The correlation pool's counters (engine/portfolio/correlation-service.ts, CorrelationStats). */
    correlation?: { rounds: number; published: number; overruns: number };
  };
  limits: { dailyLossLimit: number; maxOrderNotional: number; portfolioVar?: VarSettings };
  /** Whether the engine computed the correlation matrix (--correlation on): the VaR check needs it. */
  correlationOn: boolean;
  /** Engine seconds the run lasted after its start. */
  ranS: number;
}

export interface TimePoint {
  engineS: number;
  /** Hours since the event's first leg began (negative: in the calm lead-in). */
  eventH: number;
}

export function scenarioReport(path: ScenarioPath, run: RunFindings) {
  const ev = CRASH_EVENTS[path.name];
  const at = (ms: number | undefined): TimePoint | null =>
    ms === undefined ? null : { engineS: round(ms / 1000, 3), eventH: round(((ms / 1000 - LEAD_S) * path.compression) / 3600, 2) };
  const worst = worstStep(path);
  const n = path.coins.length;
  const moveAt = (k: number) => Object.fromEntries(path.coins.map((c, i) => [c, round(path.mids[k * n + i] / path.start[i] - 1, 4)]));
  const dailyPnl = run.summary.risk?.dailyPnl ?? NaN;
  const loss = Math.max(0, -dailyPnl);
  // The worst the day got: fills of orders accepted before the trip go on after it, and may realize a gain.
  const peakLoss = Math.max(loss, -run.probe.lowestDailyPnl);
  const varMs = run.probe.firstRejectMs.VAR_LIMIT;
  const engineCorr = run.probe.correlation;
  const readings = engineCorr?.readings ?? [];
  // Before: the last matrix computed by the event's start. At a time t: the first computed at
  // or after t (its window ends there), else the last one read (the run stopped before t).
  const eventMs = path.eventStep * path.stepMs;
  const worstMs = worst * path.stepMs;
  const lastBy = (ms: number) => readings.filter((r) => r.ms <= ms).at(-1) ?? null;
  const firstFrom = (ms: number) => readings.find((r) => r.ms >= ms) ?? readings.at(-1) ?? null;
  const reading = (r: CorrelationReading | null) =>
    r === null ? null : { mean: round(r.meanOffDiagonal, 3), at: at(r.ms), version: r.version, points: r.points, valueAtRisk: Number.isFinite(r.valueAtRisk) ? r.valueAtRisk : null };
  const pv = run.limits.portfolioVar;
  return {
    scenario: path.name,
    title: ev.title,
    date: ev.date,
    compression: { eventHours: round((path.steps - 1 - path.eventStep) * path.stepMs * path.compression / 3.6e6, 2), engineSeconds: round((path.steps - 1 - path.eventStep) * path.stepMs / 1000, 3), factor: round(path.compression, 0), leadInS: LEAD_S },
    ranS: round(run.ranS, 3),
    firstVarLimitReject: at(varMs),
    // VAR_LIMIT from the event's start on: where the limit already binds in the calm lead-in, these are the crash's own.
    varLimitInEvent: {
      first: at(run.probe.fromMark?.firstRejectMs.VAR_LIMIT),
      beforeKill: varInEventBeforeKill(run.probe),
      leadIn: (run.summary.rejected?.VAR_LIMIT ?? 0) - (run.probe.fromMark?.rejected.VAR_LIMIT ?? 0),
    },
    varLimit: pv ? { limit: pv.limit, confidence: pv.confidence, horizonMs: pv.horizonMs, inForce: run.correlationOn } : { limit: null, confidence: null, horizonMs: null, inForce: false },
    // The account's VaR as main computes it from the published matrices (engine/run-probe.ts).
    peakVar: run.probe.peakVar ? { value: run.probe.peakVar.value, at: at(run.probe.peakVar.ms) } : null,
    killSwitch: { at: at(run.probe.killMs), reason: run.probe.killReason ?? null, acceptedAfter: run.probe.acceptedAfterKill ?? null, tradingAtEnd: run.summary.risk?.trading ?? null },
    peakExposure: { used: round(run.probe.peakExposure, 0), limit: run.probe.exposureLimit, pct: round((100 * run.probe.peakExposure) / run.probe.exposureLimit, 1) },
    realizedLoss: { loss: round(loss, 2), peak: round(peakLoss, 2), limit: run.limits.dailyLossLimit, overBy: round(Math.max(0, peakLoss - run.limits.dailyLossLimit), 2), oneOrder: run.limits.maxOrderNotional },
    rejectsByReason: run.summary.rejected ?? {},
    firstRejectAt: Object.fromEntries(Object.entries(run.probe.firstRejectMs).map(([r, ms]) => [r, at(ms)])),
    orders: { generated: run.summary.generated ?? 0, decided: run.summary.decided ?? 0, accepted: run.summary.accepted ?? 0, lost: run.summary.lost ?? 0 },
    worstAt: at(worstMs),
    correlation: engineCorr
      ? {
          source: 'engine (CovarianceView.readCorrelation of the matrices the VaR check reads)',
          sampleMs: engineCorr.sampleMs,
          window: engineCorr.window,
          windowMs: engineCorr.sampleMs * engineCorr.window,
          matrices: readings.length,
          pool: run.summary.correlation ? { rounds: run.summary.correlation.rounds, published: run.summary.correlation.published, overruns: run.summary.correlation.overruns } : null,
          before: reading(lastBy(eventMs)),
          atFirstVarLimit: varMs === undefined ? null : reading(lastBy(varMs)),
          atWorst: reading(firstFrom(worstMs)),
          peakInEvent: reading(readings.filter((r) => r.ms > eventMs && r.ms <= worstMs + (engineCorr.sampleMs * engineCorr.window)).reduce<CorrelationReading | null>((a, r) => (a === null || r.meanOffDiagonal > a.meanOffDiagonal ? r : a), null)),
        }
      : null,
    modelInput: {
      source: 'scenario path: the log returns the generator is fed (not measured in the engine)',
      windowSteps: CORRELATION_WINDOW,
      before: round(meanOffDiagonalCorrelation(path, path.eventStep), 3),
      atWorst: round(meanOffDiagonalCorrelation(path, worst), 3),
      calm: ev.calmCorrelation,
      peak: ev.peakCorrelation,
    },
    movesAtWorst: moveAt(worst),
  };
}

export type ScenarioReport = ReturnType<typeof scenarioReport>;

const when = (t: TimePoint | null) => (t === null ? 'none' : `${t.engineS.toFixed(2)} s (event ${t.eventH >= 0 ? '+' : ''}${t.eventH.toFixed(1)} h)`);

/** The report for people: one line per figure. */
export function reportLines(r: ScenarioReport): string[] {
  const pct = (f: number) => `${(100 * f).toFixed(1)} %`;
  return [
    `scenario ${r.scenario} (${r.date}): ${r.title}`,
    `  time: ${r.compression.eventHours} h of event in ${r.compression.engineSeconds} s (${r.compression.factor}x), after a ${r.compression.leadInS} s calm lead-in; ran ${r.ranS} s`,
    `  worst point: ${when(r.worstAt)}: ${Object.entries(r.movesAtWorst).map(([c, m]) => `${c} ${pct(m)}`).join(', ')}`,
    `  first VAR_LIMIT reject: ${when(r.firstVarLimitReject)}${varLine(r)}`,
    `  VAR_LIMIT rejects: ${r.varLimitInEvent.leadIn} in the calm lead-in; first in the event ${when(r.varLimitInEvent.first)}${r.varLimitInEvent.beforeKill ? ', before the kill switch' : ''}`,
    `  account VaR (published matrices): at the event's start ${r.correlation?.before?.valueAtRisk ?? '-'}, at the first VAR_LIMIT ${r.correlation?.atFirstVarLimit?.valueAtRisk ?? '-'}, peak ${r.peakVar ? `${r.peakVar.value} at ${r.peakVar.at!.engineS.toFixed(2)} s` : '-'}`,
    `  kill switch: ${when(r.killSwitch.at)}${r.killSwitch.reason ? ` (${r.killSwitch.reason}); accepted after it: ${r.killSwitch.acceptedAfter}` : ''}; trading at the end: ${r.killSwitch.tradingAtEnd}`,
    `  peak gross exposure: ${r.peakExposure.used} of ${r.peakExposure.limit} (${r.peakExposure.pct} %)`,
    `  realized loss: ${r.realizedLoss.loss} at the end, at most ${r.realizedLoss.peak}, against the daily loss limit ${r.realizedLoss.limit} (over by ${r.realizedLoss.overBy} at most; one order is at most ${r.realizedLoss.oneOrder})`,
    `  rejects by reason: ${Object.entries(r.rejectsByReason).map(([k, v]) => `${k}=${v}`).join(' ') || 'none'}`,
    `  first reject of each reason: ${Object.entries(r.firstRejectAt).map(([k, t]) => `${k} ${t ? t.engineS.toFixed(2) + ' s' : '-'}`).join(', ') || 'none'}`,
    `  orders: generated ${r.orders.generated}, decided ${r.orders.decided}, accepted ${r.orders.accepted}, lost ${r.orders.lost}`,
    r.correlation
      ? `  engine correlation (mean off-diagonal, ${r.correlation.window} returns x ${r.correlation.sampleMs} ms = ${r.correlation.windowMs} ms window, ${r.correlation.matrices} matrices read` +
        `${r.correlation.pool ? `; pool: ${r.correlation.pool.published} published, ${r.correlation.pool.overruns} overruns` : ''}): ` +
        `before ${matrix(r.correlation.before)}, at the first VAR_LIMIT ${matrix(r.correlation.atFirstVarLimit)}, at the worst point ${matrix(r.correlation.atWorst)}, highest in the event ${matrix(r.correlation.peakInEvent)}`
      : `  engine correlation: none (--correlation off)`,
    `  model input (the path's returns, ${r.modelInput.windowSteps}-step window): before ${r.modelInput.before}, at the worst point ${r.modelInput.atWorst} (model calm ${r.modelInput.calm}, peak ${r.modelInput.peak})`,
  ];
}

/** Whether a VAR_LIMIT reject came from the event's start on and before the kill switch (within a probe interval). */
function varInEventBeforeKill(p: ProbeReport): boolean {
  const first = p.fromMark?.firstRejectMs.VAR_LIMIT;
  return first !== undefined && (p.killMs === undefined || first <= p.killMs);
}

function varLine(r: ScenarioReport): string {
  const v = r.varLimit;
  if (v.limit === null) return ' (the limits file has no portfolioVar: no VaR check)';
  const setting = `limit ${v.limit} at ${v.confidence} over ${v.horizonMs} ms`;
  return v.inForce ? ` (${setting})` : ` (${setting}, but --correlation off: no VaR check)`;
}

function matrix(m: { mean: number; at: TimePoint | null } | null): string {
  return m === null ? 'none yet (the stand-in matrix)' : `${m.mean} (${m.at ? m.at.engineS.toFixed(2) + ' s' : '-'})`;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
