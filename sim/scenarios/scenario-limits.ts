/**
 * What the scenarios run under. The engine's limits live in
 * config/limits.scenario.json (daily loss 50,000, gross exposure 5,000,000,
 * 50,000 per order, and the portfolio VaR limit: see docs/scenarios.md for why
 * those values); the scenario runner passes it as --limits unless told otherwise.
 *
 * SCENARIO_CORRELATION: the correlation engine's geometry for compressed time.
 * The engine's defaults (a return every 100 ms, 1000 of them: 100 s) suit a
 * live market; a scenario replays 3.5 to 42 event hours in 4 engine seconds,
 * so its returns window must be a fraction of a second to see the crash at
 * all. 5 ms a return (several ticks per symbol at the default --rate 20000 and
 * tick ratio 0.25: few empty slots, which would read as no move) and 50 of them
 * make a 250 ms window, the path's own 250-step window (path-correlation.ts):
 * the first matrix comes 150 ms into the lead-in (minPoints 30), the matrix at
 * the event's start is all calm, and one 250 ms into the crash is all crash.
 * A recompute every 25 ms puts ten matrices in each window's span.
 */
import { fileURLToPath } from 'node:url';

export const SCENARIO_LIMITS_FILE = fileURLToPath(new URL('../../../config/limits.scenario.json', import.meta.url));

/** --correlation-sample-ms, --correlation-window and --correlation-recompute-ms of a scenario run. */
export const SCENARIO_CORRELATION = { sampleMs: 5, window: 50, recomputeMs: 25 } as const;
