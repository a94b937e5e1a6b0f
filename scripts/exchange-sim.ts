/**
 * npm run exchange-sim -- --port 9100 [--keys keys.json] [--host 127.0.0.1]
 *   [--symbols BTCUSDT:60000,ETHUSDT:3000] [--orders-10s 50] [--orders-day 160000]
 *   [--weight-1m 6000] [--seed 1] [--volatility 0.0002] [--step-ms 100]
 *   [--depth-levels 10] [--level-notional 20000] [--profile perfect|good|average|poor|outage]
 *
 * Serves the simulated Binance Spot REST API and WebSocket API (/ws-api/v3)
 * and prints `listening on http://HOST:PORT` once ready. --keys names a JSON
 * array of {apiKey, secretKey} (HMAC-SHA256) or {apiKey, publicKey: PEM}
 * (Ed25519); without it a demo HMAC key is made and printed. A bad flag exits
 * with code 2 naming it; a port that cannot be listened on exits 3.
 *
 * Without --profile the network is perfect (no delay, no loss). With one,
 * every message goes through the seeded network model, and while it runs
 * lines on stdin change it: `profile poor`, `outage 5000` (ms, from now),
 * `degraded 3000` (order requests answered 503 -1007).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { RealScheduler } from '../core/clock/scheduler.js';
import { createLogger } from '../core/logging/logger.js';
import { NETWORK_PROFILES, networkFor } from '../sim/exchange/network-hook.js';
import { ExchangeSimServer } from '../sim/exchange/server.js';
import { KeysFileSchema, symbolFor, VenueOptionsSchema, DEFAULT_SYMBOLS, type ApiKeySpec, type VenueOptionsInput } from '../sim/exchange/sim-options.js';
import { ExchangeVenue } from '../sim/exchange/venue.js';
import { cliFlags } from '../core/config/cli-flags.js';

const int = (min: number, max: number) => z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max));
const num = (min: number, max: number) => z.string().regex(/^\d*\.?\d+(e-?\d+)?$/).transform(Number).pipe(z.number().min(min).max(max));
const symbolList = z
  .string()
  .regex(/^[A-Z0-9]{2,20}:\d*\.?\d+(,[A-Z0-9]{2,20}:\d*\.?\d+)*$/)
  .transform((s) => s.split(',').map((item) => symbolFor(item.split(':')[0], Number(item.split(':')[1]))));

interface Flag {
  schema: z.ZodType;
  accepts: string;
  set: (o: Partial<VenueOptionsInput> & { limits: Record<string, number> }, v: never) => void;
}

const FLAGS: Record<string, Flag> = {
  symbols: { schema: symbolList, accepts: 'SYMBOL:PRICE,... e.g. BTCUSDT:60000,ETHUSDT:3000', set: (o, v) => (o.symbols = v) },
  'orders-10s': { schema: int(1, 1e9), accepts: 'orders per 10 s per account (venue: 50)', set: (o, v) => (o.limits.ordersPer10s = v) },
  'orders-day': { schema: int(1, 1e12), accepts: 'orders per day per account (venue: 160000)', set: (o, v) => (o.limits.ordersPerDay = v) },
  'weight-1m': { schema: int(1, 1e12), accepts: 'request weight per minute per IP (venue: 6000)', set: (o, v) => (o.limits.weightPerMinute = v) },
  seed: { schema: int(0, 2 ** 31 - 1), accepts: 'a non-negative integer', set: (o, v) => (o.seed = v) },
  volatility: { schema: num(0, 0.1), accepts: 'relative sigma of the mid per step, 0 to 0.1 (0 = still)', set: (o, v) => (o.volatility = v) },
  'step-ms': { schema: int(1, 3_600_000), accepts: 'price path period in ms, 1 to 3600000', set: (o, v) => (o.stepMs = v) },
  'depth-levels': { schema: int(1, 500), accepts: 'synthetic levels per side, 1 to 500', set: (o, v) => (o.depthLevels = v) },
  'level-notional': { schema: num(1, 1e12), accepts: 'quote value per synthetic level', set: (o, v) => (o.levelNotional = v) },
  profile: {
    schema: z.string().refine((s) => (NETWORK_PROFILES as readonly string[]).includes(s.toLowerCase())),
    accepts: NETWORK_PROFILES.join(' | '),
    set: (o, v) => (o.profile = v),
  },
};

function fail(message: string, code = 2): never {
  process.stderr.write(`exchange-sim: ${message}\n`);
  process.exit(code);
}

function usage(): string {
  const lines = ['usage: npm run exchange-sim -- --port P [--keys FILE] [options]', ''];
  lines.push(`  --${'port'.padEnd(15)} 0 (any free port) to 65535; default 9100`);
  lines.push(`  --${'host'.padEnd(15)} address to bind; default 127.0.0.1`);
  lines.push(`  --${'keys'.padEnd(15)} JSON file: [{apiKey, secretKey} | {apiKey, publicKey: PEM}]`);
  for (const [name, f] of Object.entries(FLAGS)) lines.push(`  --${name.padEnd(15)} ${f.accepts}`);
  lines.push(`  --${'help'.padEnd(15)} print this help (or -h)`);
  return lines.join('\n');
}

function readKeys(file: string): ApiKeySpec[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`invalid --keys '${file}': cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail(`invalid --keys '${file}': not JSON`);
  }
  const r = KeysFileSchema.safeParse(json);
  if (!r.success) fail(`invalid --keys '${file}': accepts a JSON array of {apiKey, secretKey} or {apiKey, publicKey: PEM} (${r.error.issues[0].path.join('.')})`);
  return r.data;
}

function parseArgs(argv: string[]) {
  const o: Partial<VenueOptionsInput> & { limits: Record<string, number> } = { limits: {}, symbols: DEFAULT_SYMBOLS };
  let port = 9100;
  let host = '127.0.0.1';
  let demo = true;
  const flags = cliFlags(argv, (m) => fail(m));
  if (flags === 'help') {
    process.stdout.write(usage() + '\n');
    process.exit(0);
  }
  for (const [name, value] of flags) {
    if (name === 'port') {
      const r = int(0, 65535).safeParse(value);
      if (!r.success) fail(`invalid --port '${value}': accepts 0 (any free port) to 65535`);
      port = r.data;
    } else if (name === 'host') {
      if (!/^[A-Za-z0-9.:-]{1,253}$/.test(value)) fail(`invalid --host '${value}': accepts an address or host name`);
      host = value;
    } else if (name === 'keys') {
      o.keys = readKeys(value);
      demo = false;
    } else {
      const f = FLAGS[name];
      if (!f) fail(`unknown flag --${name} (see --help)`);
      const r = f.schema.safeParse(value);
      if (!r.success) fail(`invalid --${name} '${value}': accepts ${f.accepts}`);
      f.set(o, r.data as never);
    }
  }
  if (demo) o.keys = [{ apiKey: randomBytes(32).toString('hex'), secretKey: randomBytes(32).toString('hex') }];
  const checked = VenueOptionsSchema.safeParse(o);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    fail(`invalid --${issue.path[0] === 'limits' ? 'limits' : String(issue.path[0])}: ${issue.message}`);
  }
  return { options: checked.data, port, host, demo };
}

const { options, port, host, demo } = parseArgs(process.argv.slice(2));
const clock = new RealScheduler();
const { conditions, model } = networkFor(options.profile, options.seed, clock);
const log = createLogger('exchange-sim', 2);
const venue = new ExchangeVenue(options, clock, conditions);
let server: ExchangeSimServer;
try {
  server = await ExchangeSimServer.start(venue, { host, port, log });
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  fail(`--port ${port} ${code === 'EADDRINUSE' ? 'is in use' : `cannot be listened on (${(e as Error).message})`}`, 3);
}
if (demo) {
  const k = options.keys[0] as { apiKey: string; secretKey: string };
  process.stdout.write(`demo key (HMAC-SHA256): apiKey=${k.apiKey} secretKey=${k.secretKey}\n`);
}
process.stdout.write(`listening on ${server.url()}\n`);
log.info({ ws: server.wsUrl(), symbols: options.symbols.map((s) => s.symbol), profile: options.profile }, 'exchange-sim ready');

// Network changes while running (only with a model: the perfect network has nothing to change).
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (!cmd) return;
  if (!model) return void process.stderr.write('exchange-sim: start with --profile to change the network while running\n');
  const ms = Number(arg);
  try {
    if (cmd === 'profile') model.setProfile(arg ?? '');
    else if ((cmd === 'outage' || cmd === 'degraded') && Number.isFinite(ms) && ms > 0)
      (cmd === 'outage' ? model.scheduleOutage : model.scheduleDegraded).call(model, clock.nowMs(), ms);
    else throw new Error(`unknown command '${line.trim()}' (profile NAME | outage MS | degraded MS)`);
    log.info({ cmd, arg }, 'network changed');
  } catch (e) {
    process.stderr.write(`exchange-sim: ${(e as Error).message}\n`);
  }
});

const shutdown = async () => {
  rl.close();
  await server.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
