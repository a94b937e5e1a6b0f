/**
 * bot4 launcher main (started by taskset.sh on core 0): validate options,
 * report where the main thread runs, start the engine, stop it gracefully on
 * SIGINT/SIGTERM, and exit 0 when every order got exactly one decision.
 */
import { allowedCpus, currentTid, machineCores } from '../core/affinity/cpu-affinity.js';
import { OptionError, helpText, parseEngineOptions } from '../core/config/engine-options.js';
import { createLogger } from '../core/logging/logger.js';
import { startEngine } from '../engine/engine.js';

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

const run = await startEngine(opts, log);
let signals = 0;
const onSignal = (sig: NodeJS.Signals) => {
  if (++signals > 1) {
    log.warn({ signal: sig }, 'second signal: exiting without draining');
    process.exit(130);
  }
  run.stop(sig);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const summary = await run.done;
const lost = summary.lost as number;
if (lost > 0 || summary.fatal) {
  log.error({ lost, fatal: summary.fatal }, 'run ended with orders lacking a decision');
  process.exit(1);
}
process.exit(0);
