/**
 * bot4 launcher main (started by taskset.sh on core 0): validate options,
 * report where the main thread runs, start the engine, stop it gracefully on
 * SIGINT/SIGTERM, and exit 0 when every order got exactly one decision.
 * Exit codes: 0 every order decided; 1 orders without a decision (or, with a
 * venue gateway, orders the gateway and the venue disagree about); 2 a bad
 * option, limits file or venue key; 3 the engine could not start, or a thread failed
 * fatally; 130 a signal during start-up, or a second signal (which prints
 * the counters as they stand).
 */
import { allowedCpus, currentTid, machineCores } from '../core/affinity/cpu-affinity.js';
import { OptionError, helpText, optionWarnings, parseEngineOptions } from '../core/config/engine-options.js';
import { createLogger } from '../core/logging/logger.js';
import { startEngine, type EngineRun } from '../engine/engine.js';
import { VenueKeyError } from '../engine/venue-link.js';

let opts;
try {
  opts = parseEngineOptions(process.argv.slice(2), machineCores(), process.stdout.isTTY === true);
} catch (err) {
  if (!(err instanceof OptionError)) throw err;
  process.stderr.write(err.message + '\n');
  process.exit(2);
}
if (opts === 'help') {
  process.stdout.write(helpText() + '\n');
  process.exit(0);
}

const log = createLogger('bot4', opts.metrics === 'json' ? 1 : 2);
const tid = currentTid();
const mainCpus = allowedCpus(tid > 0 ? tid : process.pid);
if (mainCpus === '0') log.info({ tid, cpusAllowed: mainCpus, pinVerified: true }, 'main thread on core 0');
else log.warn({ tid, cpusAllowed: mainCpus, pinVerified: false }, 'main thread is not pinned to core 0 (start with ./taskset.sh)');

for (const warning of optionWarnings(opts)) log.warn(warning);

// Installed before start-up, which takes seconds (thread warm-up): a signal then must not kill silently.
let run: EngineRun | undefined;
let signals = 0;
const onSignal = (sig: NodeJS.Signals) => {
  if (!run) {
    log.warn({ signal: sig }, 'interrupted during start-up');
    process.exit(130);
  }
  if (++signals > 1) {
    log.warn({ signal: sig }, 'second signal: exiting without draining; the summary counts orders in flight as lost');
    run.summaryNow();
    process.exit(130);
  }
  run.stop(sig);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  run = await startEngine(opts, log);
} catch (err) {
  // A missing or bad venue key is configuration, as a bad option is.
  if (err instanceof VenueKeyError) {
    process.stderr.write(err.message + '\n');
    process.exit(2);
  }
  process.stderr.write(`bot4: the engine could not start: ${(err as Error).message}\n`);
  process.exit(3);
}

const summary = await run.done;
const lost = summary.lost as number;
if (summary.fatal) {
  process.stderr.write(`bot4: the engine stopped: ${String(summary.fatal)}\n`);
  process.exit(3);
}
if (lost > 0) {
  log.error({ lost }, 'run ended with orders lacking a decision');
  process.exit(1);
}
const reconcile = (summary.exchange as { reconcile?: { ok?: boolean } } | undefined)?.reconcile;
if (typeof reconcile === 'object' && reconcile.ok === false) {
  log.error({ reconcile }, 'run ended with orders the gateway and the venue disagree about');
  process.exit(1);
}
process.exit(0);
