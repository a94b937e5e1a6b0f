/**
 * `npm run scenario -- NAME [--json] [engine options]`: replays a crash event
 * (sim/scenarios/events.ts) through the whole engine, with the generator's
 * ticks and orders following the event's scripted path, and prints what the
 * risk controls did: time to the first VAR_LIMIT reject, time to the kill
 * switch, peak exposure against its limit, realized loss against the daily
 * loss limit, rejects by reason, the mean off-diagonal correlation of the
 * engine's published matrices before the event and at its worst point (and the
 * path's own, labelled as the model's input). `--list` names the scenarios.
 *
 * Defaults: --limits config/limits.scenario.json (with its portfolioVar), --rate 20000, a fresh
 * temporary --state-dir (a replayed day's loss must not carry into the next
 * replay), --seed 1, --correlation on with the geometry of SCENARIO_CORRELATION
 * (sim/scenarios/scenario-limits.ts; --correlation off or any of its flags overrides).
 * The run stops HALT_GRACE_MS after the kill switch trips, or TAIL_MS after the path
 * has run out; with the correlation engine on, not before the probe has read a matrix
 * computed at or after the path's worst point (at most MATRIX_WAIT_MS past it).
 * Exit codes: 0 done; 1 orders without a decision; 2 a bad scenario name or
 * option (one line naming it); 3 the engine could not start or stopped on a fatal condition.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { machineCores } from '../core/affinity/cpu-affinity.js';
import { OptionError, parseEngineOptions, type EngineOptions } from '../core/config/engine-options.js';
import { createLogger } from '../core/logging/logger.js';
import { startEngine } from '../engine/engine.js';
import { RunProbe } from '../engine/run-probe.js';
import { CRASH_EVENTS, SCENARIO_NAMES } from '../sim/scenarios/events.js';
import { EVENT_S, LEAD_S, worstStep } from '../sim/scenarios/price-path.js';
import { buildScenario } from '../sim/scenarios/scenario-market.js';
import { reportLines, scenarioReport } from '../sim/scenarios/scenario-report.js';
import { SCENARIO_CORRELATION, SCENARIO_LIMITS_FILE } from '../sim/scenarios/scenario-limits.js';

/** Engine time the run goes on after the kill switch trips: the halt's rejects show, then it stops. */
const HALT_GRACE_MS = 300;
/** After the path's last step, before the stop. */
const TAIL_MS = 200;
const PROBE_MS = 5;
/** Longest the run waits past the worst point for the engine's matrix there (the pool runs at nice 19 on a busy machine). */
const MATRIX_WAIT_MS = 500;

function fail(code: number, line: string): never {
  process.stderr.write(line + '\n');
  process.exit(code);
}

const argv = process.argv.slice(2);
const BOOLEAN_FLAGS = new Set(['--json', '--list']);
/** An argument is a value when it follows an engine option written without '=' (--seed 3). */
const isValue = (i: number) => i > 0 && argv[i - 1].startsWith('--') && !argv[i - 1].includes('=') && !BOOLEAN_FLAGS.has(argv[i - 1]);
const positional = argv.filter((a, i) => !a.startsWith('--') && !isValue(i));
const flags = new Set(argv.filter((a) => BOOLEAN_FLAGS.has(a)));
if (flags.has('--list')) {
  for (const name of SCENARIO_NAMES) process.stdout.write(`${name.padEnd(12)} ${CRASH_EVENTS[name].date.padEnd(14)} ${CRASH_EVENTS[name].title}\n`);
  process.exit(0);
}
const usage = `usage: npm run scenario -- NAME [--json] [engine options]; NAME one of ${SCENARIO_NAMES.join(', ')} (--list describes them)`;
if (positional.length !== 1) fail(2, `bot4 scenario: ${positional.length === 0 ? 'no scenario named' : `one scenario at a time, got ${positional.join(' ')}`}; ${usage}`);
const parsedName = z.enum(SCENARIO_NAMES as [string, ...string[]]).safeParse(positional[0]);
if (!parsedName.success) fail(2, `bot4 scenario: unknown scenario '${positional[0]}'; known: ${SCENARIO_NAMES.join(', ')}`);
const name = parsedName.data as (typeof SCENARIO_NAMES)[number];
const json = flags.has('--json');
const engineArgv = argv.filter((a, i) => !flags.has(a) && (a.startsWith('--') || isValue(i)));
const given = (k: string) => engineArgv.some((a) => a === `--${k}` || a.startsWith(`--${k}=`));
const seedArg = engineArgv.findIndex((a) => a === '--seed');
const seed = seedArg >= 0 ? Number(engineArgv[seedArg + 1]) : 1;

const scenario = buildScenario(name, Number.isInteger(seed) ? seed : 1);
const scratchState = given('state-dir') ? undefined : mkdtempSync(join(tmpdir(), 'bot4-scenario-'));
const defaults = [
  ...(given('limits') ? [] : ['--limits', SCENARIO_LIMITS_FILE]),
  ...(given('rate') ? [] : ['--rate', '20000']),
  ...(given('duration') ? [] : ['--duration', String(LEAD_S + EVENT_S + 1)]),
  // The VaR check reads the engine's matrix; its window sized for compressed time (scenario-limits.ts).
  ...(given('correlation') ? [] : ['--correlation', 'on']),
  ...(given('correlation') || given('correlation-sample-ms') ? [] : ['--correlation-sample-ms', String(SCENARIO_CORRELATION.sampleMs)]),
  ...(given('correlation') || given('correlation-window') ? [] : ['--correlation-window', String(SCENARIO_CORRELATION.window)]),
  ...(given('correlation') || given('correlation-recompute-ms') ? [] : ['--correlation-recompute-ms', String(SCENARIO_CORRELATION.recomputeMs)]),
  ...(scratchState ? ['--state-dir', scratchState] : []),
  '--metrics', 'json',
];
let opts: EngineOptions;
try {
  const parsed = parseEngineOptions([...engineArgv.filter((a, i) => a !== '--metrics' && engineArgv[i - 1] !== '--metrics'), ...defaults], machineCores(), false, scenario.market);
  if (parsed === 'help') fail(0, usage);
  opts = parsed;
} catch (err) {
  if (!(err instanceof OptionError)) throw err;
  fail(2, err.message);
}

// The engine's own lines go to stderr at warn and above: stdout is the report.
const log = createLogger('bot4-scenario', 2, process.env.BOT4_LOG_LEVEL ?? 'warn');
let run;
try {
  run = await startEngine(opts, log);
} catch (err) {
  fail(3, `bot4 scenario: the engine could not start: ${(err as Error).message}`);
}
const engine = run;
const pathEndMs = (LEAD_S + EVENT_S) * 1000;
// With the correlation engine on, the run goes on (halted) until a matrix computed after the
// path's worst point has been read: the report's "at the worst point" is the engine's own.
const worstMs = worstStep(scenario.path) * scenario.path.stepMs;
const seenAfterWorst = () => !opts.correlation || probe.lastMatrixMs() >= worstMs;
let stopping = false;
/** Stops once a matrix computed after the worst point has been read (a starved pool: at most MATRIX_WAIT_MS after the worst point). */
const stopSoon = (reason: string) => {
  if (stopping) return;
  if (seenAfterWorst() || probe.elapsedMs() > worstMs + MATRIX_WAIT_MS) {
    stopping = true;
    engine.stop(reason);
  } else setTimeout(() => stopSoon(reason), PROBE_MS);
};
const probe = new RunProbe(
  engine,
  PROBE_MS,
  () => setTimeout(() => stopSoon('scenario: kill switch tripped'), HALT_GRACE_MS),
  { correlationSymbols: scenario.path.coins.length, varSettings: opts.limits.initial.config.portfolioVar, markMs: scenario.path.eventStep * scenario.path.stepMs },
);
probe.start();
const endTimer = setTimeout(() => stopSoon('scenario: path ended'), Math.max(0, pathEndMs + TAIL_MS - probe.elapsedMs()));
const summary = (await engine.done) as Parameters<typeof scenarioReport>[1]['summary'] & { fatal?: string };
clearTimeout(endTimer);
const ranS = probe.elapsedMs() / 1000;
const found = probe.stop();
if (scratchState) rmSync(scratchState, { recursive: true, force: true });
const limits = opts.limits.initial.config;
const report = scenarioReport(scenario.path, {
  probe: found,
  summary,
  limits: { dailyLossLimit: limits.account.dailyLossLimit, maxOrderNotional: limits.symbolDefaults.maxOrderNotional, portfolioVar: limits.portfolioVar },
  correlationOn: opts.correlation !== undefined,
  ranS,
});
process.stdout.write(json ? JSON.stringify(report) + '\n' : reportLines(report).join('\n') + '\n');
if (summary.fatal) fail(3, `bot4 scenario: the engine stopped: ${summary.fatal}`);
process.exit((summary.lost ?? 0) > 0 ? 1 : 0);
