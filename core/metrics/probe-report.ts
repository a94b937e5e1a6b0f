/**
 * What a run probe (engine/run-probe.ts) found in a whole-engine run, as the
 * scenario report (sim/scenarios/scenario-report.ts) reads it: one shape for
 * both sides, here where either may import it.
 */
/** One published correlation matrix as the probe read it. */
export interface CorrelationReading {
  /** When the pool computed it (ms since the start; its returns window ends about then). */
  ms: number;
  version: number;
  /** Returns per symbol it was computed from. */
  points: number;
  /** Mean off-diagonal correlation of the watched symbols. */
  meanOffDiagonal: number;
  /** The account's VaR with this matrix, when it was read (NaN without VaR settings). */
  valueAtRisk: number;
}

/** The probe's findings. */
export interface ProbeReport {
  /** Ms from the start to the first reject of each reason seen. */
  firstRejectMs: Record<string, number>;
  /** Ms from the start to the kill switch tripping, and its reason; undefined when it did not trip. */
  killMs?: number;
  killReason?: string;
  /** Orders accepted (as read by their sources) from the trip on: decisions already on their way back. */
  acceptedAfterKill?: number;
  peakExposure: number;
  exposureLimit: number;
  /** Lowest realized PnL of the day seen (quote; a loss is negative). */
  lowestDailyPnl: number;
  /** With --correlation on: the geometry of the returns and every matrix read, oldest first. */
  correlation?: { sampleMs: number; window: number; symbols: number; readings: CorrelationReading[] };
  /** With markMs: rejects by reason from the first sample at or after it, and the first of each reason from then. */
  fromMark?: { ms: number; rejected: Record<string, number>; firstRejectMs: Record<string, number> };
  /** With --correlation on and VaR settings: the highest VaR computed, and when (ms since the start). */
  peakVar?: { value: number; ms: number };
}
