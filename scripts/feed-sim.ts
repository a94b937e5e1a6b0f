/**
 * npm run feed-sim -- --venue binance --port 9001 --rate 100000 --symbols 64
 *   [--duration 300] [--seed 1] [--heartbeat 1s] [--ping 20s]
 *   [--faults "stall@5s:2s,disconnect@10s,garbage@12s:20,gap@15s:3,crossed@16s:2,oversize@20s:2000000"]
 *   [--garbage-rate 0.001] [--gap-rate 0.0001] [--crossed-rate 0.0001]
 *
 * Serves the venue's market data protocol on ws://127.0.0.1:PORT (Binance:
 * /ws raw, /stream combined). While it runs, faults can also be typed on
 * stdin, one per line: disconnect | stall 2000 | garbage 10 | gap 3 |
 * crossed 2 | oversize 2000000. Prints one status line per second (JSON).
 * A bad flag exits with code 2 naming it; a port that cannot be listened on
 * (in use, not permitted) exits with code 3 naming --port; --help or -h prints usage.
 */
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { VENUES } from '../core/feed/symbol-map.js';
import { parseDuration, parseFault, parseSchedule } from '../sim/feed/faults.js';
import { FeedSim, FeedSimOptionsSchema, type FeedSimOptionsInput } from '../sim/feed/feed-sim-server.js';
import { cliFlags } from '../core/config/cli-flags.js';

/** A duration in milliseconds; a bare number is in `bareUnit` (the engine's --duration is in seconds, and so is this one's). */
const duration = (bareUnit: 's' | 'ms') =>
  z.string().transform((s, ctx) => {
    try {
      return parseDuration(/^\d+(\.\d+)?$/.test(s.trim()) ? `${s.trim()}${bareUnit}` : s);
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
  duration: { schema: duration('s'), accepts: 'seconds (e.g. 60), or 500ms, 60s, 5m; more than 0, at most 24 h', key: 'durationMs' },
  seed: { schema: int(0, 2 ** 31 - 1), accepts: 'a non-negative integer', key: 'seed' },
  heartbeat: { schema: duration('ms'), accepts: 'milliseconds (e.g. 1000), or 1s; from 10 ms to 600 s', key: 'heartbeatMs' },
  ping: { schema: duration('ms'), accepts: 'milliseconds (e.g. 20000), or 20s; 0 = no pings, at most 600 s', key: 'pingIntervalMs' },
  'garbage-rate': { schema: fraction, accepts: 'a fraction from 0 to 1', key: 'garbageRate' },
  'gap-rate': { schema: fraction, accepts: 'a fraction from 0 to 1', key: 'gapRate' },
  'crossed-rate': { schema: fraction, accepts: 'a fraction from 0 to 1', key: 'crossedRate' },
};

const FAULTS_ACCEPTS = 'kind@time[:arg],... e.g. stall@5s:2s,disconnect@10s';

function fail(message: string, code = 2): never {
  process.stderr.write(`feed-sim: ${message}\n`);
  process.exit(code);
}

function usage(): string {
  const lines = ['usage: npm run feed-sim -- --venue binance|coinbase|kraken [options]', ''];
  for (const [name, spec] of Object.entries(FLAGS)) lines.push(`  --${name.padEnd(13)} ${spec.accepts}`);
  lines.push(`  --${'faults'.padEnd(13)} ${FAULTS_ACCEPTS}`, `  --${'help'.padEnd(13)} print this help (or -h)`);
  return lines.join('\n');
}

function parseArgs(argv: string[]): FeedSimOptionsInput {
  const out: Record<string, unknown> = { port: 9001, durationMs: 300_000 };
  const flags = cliFlags(argv, (m) => fail(m));
  if (flags === 'help') {
    process.stdout.write(usage() + '\n');
    process.exit(0);
  }
  for (const [name, value] of flags) {
    if (name === 'faults') {
      try {
        out.schedule = parseSchedule(value);
      } catch (e) {
        fail(`invalid --faults '${value}': ${(e as Error).message} (accepts ${FAULTS_ACCEPTS})`);
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
  // The server's own schema has the final say on ranges (a duration of 0, a 0 ms heartbeat):
  // its first complaint is reported against the flag that set the field.
  const checked = FeedSimOptionsSchema.safeParse(out);
  if (!checked.success) {
    const key = checked.error.issues[0].path[0];
    const name = Object.keys(FLAGS).find((f) => FLAGS[f].key === key) ?? 'faults';
    const spec = FLAGS[name];
    fail(`invalid --${name} '${argv[argv.indexOf(`--${name}`) + 1]}': accepts ${spec ? spec.accepts : FAULTS_ACCEPTS}`);
  }
  return out as FeedSimOptionsInput;
}

async function listen(options: FeedSimOptionsInput): Promise<FeedSim> {
  try {
    return await FeedSim.start(options);
  } catch (e) {
    // A well-formed port the machine will not give us: the simulator could not start (exit 3, as the engine's).
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'is in use' : code === 'EACCES' ? 'is not permitted' : `cannot be listened on (${(e as Error).message})`;
    fail(`--port ${String(options.port)} ${why}: choose another, or 0 for any free port`, 3);
  }
}

const sim = await listen(parseArgs(process.argv.slice(2)));
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
