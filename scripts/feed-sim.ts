/**
 * npm run feed-sim -- --venue binance --port 9001 --rate 100000 --symbols 64
 *   [--duration 300s] [--seed 1] [--heartbeat 1s] [--ping 20s]
 *   [--faults "stall@5s:2s,disconnect@10s,garbage@12s:20,gap@15s:3,crossed@16s:2,oversize@20s:2000000"]
 *   [--garbage-rate 0.001] [--gap-rate 0.0001] [--crossed-rate 0.0001]
 *
 * Serves the venue's market data protocol on ws://127.0.0.1:PORT (Binance:
 * /ws raw, /stream combined). While it runs, faults can also be typed on
 * stdin, one per line: disconnect | stall 2000 | garbage 10 | gap 3 |
 * crossed 2 | oversize 2000000. Prints one status line per second (JSON).
 * A bad flag exits with code 2 naming it.
 */
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { VENUES } from '../core/feed/symbol-map.js';
import { parseDuration, parseFault, parseSchedule } from '../sim/feed/faults.js';
import { FeedSim, type FeedSimOptionsInput } from '../sim/feed/feed-sim-server.js';

const duration = z.string().transform((s, ctx) => {
  try {
    return parseDuration(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});
const int = (min: number, max: number) => z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max));
const fraction = z.string().regex(/^\d*\.?\d+(e-?\d+)?$/).transform(Number).pipe(z.number().min(0).max(1));

const FLAGS: Record<string, { schema: z.ZodType; accepts: string; key: keyof FeedSimOptionsInput }> = {
  venue: { schema: z.enum(VENUES), accepts: VENUES.join(' | '), key: 'venue' },
  port: { schema: int(0, 65535), accepts: 'a port from 0 (any free port) to 65535', key: 'port' },
  rate: { schema: int(0, 10_000_000), accepts: 'messages per second per connection, 0 to 1e7', key: 'rate' },
  symbols: { schema: int(1, 100_000), accepts: 'an integer from 1 to 100000', key: 'symbols' },
  duration: { schema: duration, accepts: 'a duration such as 60s or 5m', key: 'durationMs' },
  seed: { schema: int(0, 2 ** 31 - 1), accepts: 'a non-negative integer', key: 'seed' },
  heartbeat: { schema: duration, accepts: 'a duration such as 1s', key: 'heartbeatMs' },
  ping: { schema: duration, accepts: 'a duration such as 20s (0 = no pings)', key: 'pingIntervalMs' },
  'garbage-rate': { schema: fraction, accepts: 'a fraction from 0 to 1', key: 'garbageRate' },
  'gap-rate': { schema: fraction, accepts: 'a fraction from 0 to 1', key: 'gapRate' },
  'crossed-rate': { schema: fraction, accepts: 'a fraction from 0 to 1', key: 'crossedRate' },
};

function fail(message: string): never {
  process.stderr.write(`feed-sim: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): FeedSimOptionsInput {
  const out: Record<string, unknown> = { port: 9001, durationMs: 300_000 };
  for (let k = 0; k < argv.length; k++) {
    const flag = argv[k];
    if (!flag.startsWith('--')) fail(`unexpected argument '${flag}'`);
    const name = flag.slice(2);
    const value = argv[++k];
    if (value === undefined) fail(`--${name} needs a value`);
    if (name === 'faults') {
      try {
        out.schedule = parseSchedule(value);
      } catch (e) {
        fail(`invalid --faults '${value}': ${(e as Error).message}`);
      }
      continue;
    }
    const spec = FLAGS[name];
    if (!spec) fail(`unknown flag --${name} (flags: ${[...Object.keys(FLAGS), 'faults'].map((f) => `--${f}`).join(' ')})`);
    const r = spec.schema.safeParse(value);
    if (!r.success) fail(`invalid --${name} '${value}': accepts ${spec.accepts}`);
    out[spec.key] = r.data;
  }
  if (out.venue === undefined) fail('--venue is required (binance | coinbase | kraken)');
  return out as FeedSimOptionsInput;
}

const sim = await FeedSim.start(parseArgs(process.argv.slice(2)));
const o = sim.options;
process.stdout.write(
  JSON.stringify({ event: 'listening', venue: o.venue, url: sim.url(o.venue === 'binance' ? '/ws' : '/'), rate: o.rate, symbols: o.symbols }) + '\n',
);

const status = setInterval(() => process.stdout.write(JSON.stringify({ event: 'status', ...sim.stats }) + '\n'), 1000);
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [kind, arg] = line.trim().split(/\s+/);
  if (!kind) return;
  try {
    sim.inject(parseFault(arg === undefined ? kind : `${kind}:${arg}`));
    process.stdout.write(JSON.stringify({ event: 'fault', kind, arg }) + '\n');
  } catch (e) {
    process.stderr.write(`feed-sim: ${(e as Error).message}\n`);
  }
});

const shutdown = async () => {
  clearInterval(status);
  rl.close();
  await sim.close();
  process.stdout.write(JSON.stringify({ event: 'closed', ...sim.stats }) + '\n');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
setTimeout(() => void shutdown(), o.durationMs).unref();
await new Promise<void>((resolve) => setTimeout(resolve, o.durationMs + 100));
