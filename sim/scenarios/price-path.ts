/**
 * A crash event's synthetic, seeded price path, time-compressed so that the
 * whole event runs in a few seconds of engine time.
 *
 * Time: a calm lead-in of LEAD_S engine seconds, then the event's legs, whose
 * total event time is squeezed into EVENT_S engine seconds (compression =
 * event hours * 3600 / EVENT_S: covid-2020's 16 h run in 4 s, 14,400x).
 * The path has one step per STEP_MS of engine time.
 *
 * Returns: a one-factor model. For coin i at step k,
 *   r_i(k) = drift_i(leg) + s_i(k) * (sqrt(rho(k)) * F(k) + sqrt(1 - rho(k)) * e_i(k))
 * with F, e_i independent standard normals from the seeded Prng, so the
 * returns of any two coins have correlation rho(k): calmCorrelation during the
 * lead-in, rising linearly to peakCorrelation over the first RAMP_STEPS of the
 * event. s_i(k) = BASE_VOL * volatility_i, doubled during the event. Within
 * each leg the noise is demeaned per coin (a Brownian bridge), so every leg
 * ends exactly at its tabled level; demeaning does not change a correlation.
 * The lead-in's noise is demeaned too: the event starts at the tabled price.
 */
import { Prng } from '../../core/random/prng.js';
import { CRASH_EVENTS, type ScenarioName } from './events.js';

export const STEP_MS = 1;
export const LEAD_S = 1;
export const EVENT_S = 4;
/** Steps over which the correlation rises from calm to peak once the event begins. */
export const RAMP_STEPS = 200;
/** Per-step log-return scale of BTC in calm markets (about 0.3 % over a 250-step window). */
const BASE_VOL = 0.0002;
const EVENT_VOL_FACTOR = 2;

export interface ScenarioPath {
  name: ScenarioName;
  /** Coin names, in column order. */
  coins: string[];
  /** Price of each coin at the event's start. */
  start: number[];
  /** mids[step * coins + i]. */
  mids: Float64Array;
  steps: number;
  stepMs: number;
  /** First step of the first leg (the end of the calm lead-in). */
  eventStep: number;
  /** Last step of each leg. */
  legEnds: number[];
  /** Event seconds per engine second. */
  compression: number;
  /** The correlation the model draws at each step. */
  rho: Float64Array;
}

export function buildScenarioPath(name: ScenarioName, seed: number): ScenarioPath {
  const ev = CRASH_EVENTS[name];
  const coins = Object.keys(ev.start);
  const n = coins.length;
  const start = coins.map((c) => ev.start[c]);
  const vol = coins.map((c) => BASE_VOL * ev.volatility[c]);
  const eventHours = ev.legs.reduce((t, l) => t + l.hours, 0);
  const eventSteps = Math.round((EVENT_S * 1000) / STEP_MS);
  const leadSteps = Math.round((LEAD_S * 1000) / STEP_MS);
  const steps = 1 + leadSteps + eventSteps;
  // Leg boundaries in steps, each leg its share of the event's time (at least one step).
  const legEnds: number[] = [];
  let hours = 0;
  for (const leg of ev.legs) {
    hours += leg.hours;
    legEnds.push(leadSteps + Math.max(legEnds.length + 1, Math.round((hours / eventHours) * eventSteps)));
  }
  const rho = new Float64Array(steps);
  for (let k = 1; k < steps; k++) {
    const into = k - leadSteps;
    rho[k] = into <= 0 ? ev.calmCorrelation : ev.calmCorrelation + (ev.peakCorrelation - ev.calmCorrelation) * Math.min(1, into / RAMP_STEPS);
  }
  // Correlated noise, step-major like the mids.
  const rng = new Prng(seed);
  const normals = new Float64Array((steps - 1) * (n + 1));
  rng.fillNormal(normals);
  const noise = new Float64Array(steps * n);
  for (let k = 1; k < steps; k++) {
    const z = (k - 1) * (n + 1);
    const f = normals[z];
    const a = Math.sqrt(rho[k]);
    const b = Math.sqrt(1 - rho[k]);
    const s = k > leadSteps ? EVENT_VOL_FACTOR : 1;
    for (let i = 0; i < n; i++) noise[k * n + i] = vol[i] * s * (a * f + b * normals[z + 1 + i]);
  }
  // Segments [from, to] of steps whose returns sum to a fixed log move: the lead-in (0), then each leg.
  const segments: Array<{ from: number; to: number; level: number[] }> = [{ from: 1, to: leadSteps, level: coins.map(() => 0) }];
  ev.legs.forEach((leg, j) => segments.push({ from: (j === 0 ? leadSteps : legEnds[j - 1]) + 1, to: legEnds[j], level: coins.map((c) => Math.log1p(leg.at[c])) }));
  const logPrice = new Float64Array(steps * n);
  let prevLevel = coins.map(() => 0);
  for (const seg of segments) {
    const len = seg.to - seg.from + 1;
    for (let i = 0; i < n; i++) {
      let mean = 0;
      for (let k = seg.from; k <= seg.to; k++) mean += noise[k * n + i];
      mean /= len;
      const drift = (seg.level[i] - prevLevel[i]) / len;
      for (let k = seg.from; k <= seg.to; k++) logPrice[k * n + i] = logPrice[(k - 1) * n + i] + drift + noise[k * n + i] - mean;
    }
    prevLevel = seg.level;
  }
  const mids = new Float64Array(steps * n);
  for (let k = 0; k < steps; k++) for (let i = 0; i < n; i++) mids[k * n + i] = start[i] * Math.exp(logPrice[k * n + i]);
  return { name, coins, start, mids, steps, stepMs: STEP_MS, eventStep: leadSteps, legEnds, compression: (eventHours * 3600) / EVENT_S, rho };
}

/** The step where the coins' equally weighted log price is lowest: the worst point of the event. */
export function worstStep(p: ScenarioPath): number {
  const n = p.coins.length;
  let worst = 0;
  let lowest = Infinity;
  for (let k = 0; k < p.steps; k++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.log(p.mids[k * n + i] / p.start[i]);
    if (sum < lowest) {
      lowest = sum;
      worst = k;
    }
  }
  return worst;
}
