/**
 * What a scenario run prints: from the path (the event's moves, the
 * correlation before the event and at its worst point), the run probe (first
 * reject of each reason, the kill switch, peak exposure) and the engine's
 * summary (rejects by reason, the day's realized PnL), against the limits.
 * Engine times are also given in event hours (through the path's compression).
 */
import { CRASH_EVENTS } from './events.js';
import { meanOffDiagonalCorrelation, CORRELATION_WINDOW } from './path-correlation.js';
import { LEAD_S, worstStep, type ScenarioPath } from './price-path.js';
import { SCENARIO_VAR } from './scenario-limits.js';

/** The run probe's findings (engine/run-probe.ts, ProbeReport). */
export interface ProbeFindings {
  firstRejectMs: Record<string, number>;
  killMs?: number;
  killReason?: string;
  acceptedAfterKill?: number;
  peakExposure: number;
  exposureLimit: number;
}

export interface RunFindings {
  probe: ProbeFindings;
  /** The engine's summary: rejected by reason, counts, and its risk line. */
  summary: { rejected?: Record<string, number>; generated?: number; decided?: number; accepted?: number; lost?: number; risk?: { dailyPnl?: number; trading?: string; killReason?: string } };
  limits: { dailyLossLimit: number; maxOrderNotional: number };
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
  const varMs = run.probe.firstRejectMs.VAR_LIMIT;
  return {
    scenario: path.name,
    title: ev.title,
    date: ev.date,
    compression: { eventHours: round((path.steps - 1 - path.eventStep) * path.stepMs * path.compression / 3.6e6, 2), engineSeconds: round((path.steps - 1 - path.eventStep) * path.stepMs / 1000, 3), factor: round(path.compression, 0), leadInS: LEAD_S },
    ranS: round(run.ranS, 3),
    firstVarLimitReject: at(varMs),
    varLimit: { ...SCENARIO_VAR, inForce: 'VAR_LIMIT' in run.probe.firstRejectMs || run.summary.rejected?.VAR_LIMIT !== undefined },
    killSwitch: { at: at(run.probe.killMs), reason: run.probe.killReason ?? null, acceptedAfter: run.probe.acceptedAfterKill ?? null, tradingAtEnd: run.summary.risk?.trading ?? null },
    peakExposure: { used: round(run.probe.peakExposure, 0), limit: run.probe.exposureLimit, pct: round((100 * run.probe.peakExposure) / run.probe.exposureLimit, 1) },
    realizedLoss: { loss: round(loss, 2), limit: run.limits.dailyLossLimit, overBy: round(Math.max(0, loss - run.limits.dailyLossLimit), 2), oneOrder: run.limits.maxOrderNotional },
    rejectsByReason: run.summary.rejected ?? {},
    firstRejectAt: Object.fromEntries(Object.entries(run.probe.firstRejectMs).map(([r, ms]) => [r, at(ms)])),
    orders: { generated: run.summary.generated ?? 0, decided: run.summary.decided ?? 0, accepted: run.summary.accepted ?? 0, lost: run.summary.lost ?? 0 },
    correlation: {
      source: 'scenario path (rolling window of log returns; the engine matrix once it is published)',
      window: CORRELATION_WINDOW,
      before: round(meanOffDiagonalCorrelation(path, path.eventStep), 3),
      atWorst: round(meanOffDiagonalCorrelation(path, worst), 3),
      worstAt: at(worst * path.stepMs),
      peakModel: ev.peakCorrelation,
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
    `  worst point: ${when(r.correlation.worstAt)}: ${Object.entries(r.movesAtWorst).map(([c, m]) => `${c} ${pct(m)}`).join(', ')}`,
    `  first VAR_LIMIT reject: ${when(r.firstVarLimitReject)}${r.varLimit.inForce ? '' : ` (no VaR check in this build; scenario VaR limit ${r.varLimit.varLimit} not connected)`}`,
    `  kill switch: ${when(r.killSwitch.at)}${r.killSwitch.reason ? ` (${r.killSwitch.reason}); accepted after it: ${r.killSwitch.acceptedAfter}` : ''}; trading at the end: ${r.killSwitch.tradingAtEnd}`,
    `  peak gross exposure: ${r.peakExposure.used} of ${r.peakExposure.limit} (${r.peakExposure.pct} %)`,
    `  realized loss: ${r.realizedLoss.loss} against the daily loss limit ${r.realizedLoss.limit} (over by ${r.realizedLoss.overBy}; one order is at most ${r.realizedLoss.oneOrder})`,
    `  rejects by reason: ${Object.entries(r.rejectsByReason).map(([k, v]) => `${k}=${v}`).join(' ') || 'none'}`,
    `  first reject of each reason: ${Object.entries(r.firstRejectAt).map(([k, t]) => `${k} ${t ? t.engineS.toFixed(2) + ' s' : '-'}`).join(', ') || 'none'}`,
    `  orders: generated ${r.orders.generated}, decided ${r.orders.decided}, accepted ${r.orders.accepted}, lost ${r.orders.lost}`,
    `  mean off-diagonal correlation (${r.correlation.window}-step window, from the path): before ${r.correlation.before}, at the worst point ${r.correlation.atWorst} (model peak ${r.correlation.peakModel})`,
  ];
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
