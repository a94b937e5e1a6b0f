/**
 * The launcher's options, validated with zod at the edge. Each option has a
 * schema and a one-line description of what it accepts, so that a bad value
 * is reported as `bot4: invalid --workers 'abc': accepts an integer >= 1` and
 * the process exits with code 2. Everything downstream trusts the result.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UNIFIED_SYMBOL, VENUES, type Venue } from '../feed/symbol-map.js';
import { buildUniverse, knownInstrument } from '../instruments/universe.js';
import type { Instrument } from '../instruments/instrument.js';
import { checkScriptedPath, type ScriptedPath } from '../generator/scripted-path.js';
import { LimitsConfigError, checkLimitSymbols, readLimitsConfig, symbolLimitRows, type LimitsConfig } from './limits-config.js';
import { usableLiveOrders } from '../risk/live-order-set.js';
import { MAX_RING_SLOTS } from '../../ipc/spsc-ring.js';
import { WAIT_STRATEGIES, type WaitStrategyName } from '../../ipc/wait-strategy.js';
import { SOURCE_MODES, type SourceMode } from '../source/event-source.js';
import type { BurstPattern } from '../generator/rate-schedule.js';
import { DEFAULT_LOAD, reservedSymbols } from '../generator/order-generator.js';
import { defaultCores, defaultThreads } from './thread-defaults.js';
import { DEFAULT_GATEWAY_RATE, EXCHANGE_OPTION_SPECS, exchangeOptions, type ExchangeOptions } from './exchange-options.js';
import { CORRELATION_MIN_POINTS, correlationOptionsSchema, type CorrelationOptions } from '../portfolio/correlation-options.js';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const num = (min: number, max: number) =>
  z
    .string()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/)
    .transform(Number)
    .pipe(z.number().min(min).max(max));
const powerOfTwo = (min: number) => int(min, MAX_RING_SLOTS).refine((n) => (n & (n - 1)) === 0);

const MAX_CORES = 1024;
/**
 * Order-path threads (workers + sources) a run may start: each takes ~10+ MB and, spinning,
 * a core's worth of CPU, so beyond a few per core they only slow each other's start-up past
 * the supervisor's timeout (100 workers on 2 cores took 84 s to fail).
 */
export const MAX_THREADS = 256;
export const MAX_THREADS_PER_CORE = 4;
/** Below this many slots a ring fills between two of a worker's batches (see optionWarnings). */
export const MIN_RING_SLOTS = 1024;
const coreList = z
  .string()
  .regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/)
  // Bounded before it is expanded: a range such as 1-999999999 must not be materialised.
  .refine((s) => s.split(',').every((part) => {
    const [a, b] = part.split('-').map(Number);
    return a < MAX_CORES && (b === undefined || (b >= a && b < MAX_CORES));
  }))
  .transform((s) => {
    const cores: number[] = [];
    for (const part of s.split(',')) {
      const [a, b] = part.split('-').map(Number);
      for (let c = a; c <= (b ?? a); c++) cores.push(c);
    }
    return cores;
  })
  .refine((cores) => cores.length > 0 && cores.length <= MAX_CORES);

const symbolList = z
  .string()
  .transform((s) => s.split(','))
  .pipe(z.array(z.string().regex(UNIFIED_SYMBOL)).min(1).max(4096))
  .refine((l) => new Set(l).size === l.length);

const rate = z.union([z.literal('max').transform(() => Infinity), num(1, 1e9)]);

const burst = z
  .string()
  .regex(/^\d+(\.\d+)?x\d+(\.\d+)?\/\d+(\.\d+)?$/)
  .transform((s): BurstPattern => {
    const [factor, rest] = s.split('x');
    const [dur, period] = rest.split('/');
    return { factor: Number(factor), burstSeconds: Number(dur), periodSeconds: Number(period) };
  })
  .refine((b) => b.factor >= 1 && b.burstSeconds > 0 && b.periodSeconds > b.burstSeconds);

interface OptionSpec {
  schema: z.ZodType;
  accepts: string;
  help: string;
}

export const OPTION_SPECS = {
  workers: { schema: int(1, MAX_THREADS), accepts: `an integer from 1 to ${MAX_THREADS}; workers + sources at most ${MAX_THREADS_PER_CORE} per core`, help: 'risk worker threads (default: min(11, cores - 1 - sources), at least 1)' },
  cores: { schema: coreList, accepts: 'a core list such as 1,2,3 or 1-11', help: 'core of each worker, in order (default: the cores after the sources\')' },
  sources: { schema: int(1, 64), accepts: 'an integer from 1 to 64, at most the tradable symbols', help: 'order source threads running the generator (default: one per 4 spare cores rounded up, 1 to 4)' },
  'source-mode': { schema: z.enum(SOURCE_MODES), accepts: SOURCE_MODES.join('|'), help: "how a source makes its events: run the generator for each (generate), or replay the generator's events prepared before the run, with fresh ids and send times (replay; not with --feed or a scenario) (default generate)" },
  'source-cores': { schema: coreList, accepts: 'a core list such as 1,2 or 1-3', help: 'core of each order source (default: 1, 2, ...; core 0 on a 2-core machine)' },
  rate: { schema: rate, accepts: "orders per second (1 to 1e9) or 'max'", help: "orders/s from the generator, or 'max' (as fast as the rings accept) (default 200000; 1000 with --exchange sim|URL)" },
  duration: { schema: num(0, 1e7), accepts: 'seconds >= 0 (0 = until SIGINT/SIGTERM)', help: 'run time in seconds; 0 runs until SIGINT/SIGTERM (default 0)' },
  symbols: { schema: int(1, 100000), accepts: 'an integer from 1 to 100000', help: 'instruments in the generated universe (default 16)' },
  seed: { schema: int(0, 2 ** 31 - 1), accepts: 'an integer from 0 to 2147483647', help: 'generator seed (default 1)' },
  wait: { schema: z.enum(WAIT_STRATEGIES), accepts: WAIT_STRATEGIES.join('|'), help: 'how idle threads wait: spin, yield or block (default spin)' },
  metrics: { schema: z.enum(['table', 'json']), accepts: 'table|json', help: 'metrics format (default: table on a TTY, json otherwise)' },
  'metrics-port': { schema: int(1, 65535), accepts: 'a TCP port from 1 to 65535', help: 'serve Prometheus metrics at http://127.0.0.1:PORT/metrics (default: off)' },
  'control-port': { schema: int(1, 65535), accepts: 'a TCP port from 1 to 65535', help: 'operator commands over HTTP at http://127.0.0.1:PORT (status, positions, halt, reduce, resume, kill, release, reload; docs/control.md) (default: off)' },
  'ring-slots': { schema: powerOfTwo(2), accepts: `a power of two from 2 to ${MAX_RING_SLOTS}`, help: 'slots per ring (default 16384)' },
  burst: { schema: burst, accepts: 'FACTORxSECONDS/PERIOD, e.g. 10x10/60', help: 'rate multiplied by FACTOR for the last SECONDS of every PERIOD seconds' },
  'bad-fraction': { schema: num(0, 1), accepts: 'a fraction from 0 to 1', help: `fraction of deliberately bad orders (default ${DEFAULT_LOAD.badFraction})` },
  'tick-ratio': { schema: num(0, 1000), accepts: 'a number from 0 to 1000', help: `market ticks per order (default ${DEFAULT_LOAD.ticksPerOrder})` },
  'backpressure-us': { schema: num(0, 1e7), accepts: 'microseconds from 0 to 1e7', help: 'how long an order waits for ring space before REJECTED(BACKPRESSURE) (default 1000)' },
  batch: { schema: int(1, 65536), accepts: 'an integer from 1 to 65536', help: 'most frames a worker handles per batch (default 256)' },
  // 4 slots hold 3 live orders, 2 hold none (usableLiveOrders); parseEngineOptions raises the minimum to fit the limits.
  'live-orders': { schema: powerOfTwo(4), accepts: `a power of two from 4 to ${MAX_RING_SLOTS}, holding 3/4 as many live orders, at least the limits' maxOpenOrders`, help: 'live-order table slots per worker (default 65536)' },
  limits: { schema: z.string().min(1), accepts: 'a limits config file (JSON)', help: 'risk limits file, re-read on SIGHUP or change (default config/limits.engine.json)' },
  feed: { schema: z.string().regex(/^wss?:\/\/[^\s]+$/).pipe(z.url()), accepts: 'a ws:// or wss:// URL', help: 'take market data from this WebSocket feed instead of the generator (needs --venue, --subscribe)' },
  venue: { schema: z.enum(VENUES), accepts: VENUES.join('|'), help: 'the feed\'s message format and subscribe protocol' },
  subscribe: { schema: symbolList, accepts: 'unified symbols such as BTC/USDT,ETH/USDT', help: 'symbols to subscribe to; each becomes an engine symbol, in order' },
  orders: { schema: z.enum(['on', 'off']), accepts: 'on|off', help: 'generate orders (default on); with a feed they are priced off its live references' },
  'seq-check': { schema: z.enum(['contiguous', 'monotonic']), accepts: 'contiguous|monotonic', help: "feed sequence check: any jump is a gap (default; the simulator, Coinbase), or only repeats and regressions (real Binance bookTicker 'u')" },
  'stale-ms': { schema: int(10, 600_000), accepts: 'milliseconds from 10 to 600000', help: 'feed silence after which its reference prices are stale (default 2000)' },
  'state-dir': { schema: z.string().min(1), accepts: 'a directory (created if missing)', help: 'where state.json keeps the trading day\'s realized PnL, the trading mode and a kill across restarts (default ./state)' },
  correlation: { schema: z.enum(['on', 'off']), accepts: 'on|off', help: 'rolling returns per symbol and a covariance/correlation matrix recomputed every 100 ms on a pool thread (WASM SIMD), window 1000 returns sampled every 100 ms (default off)' },
  // The correlation engine's geometry (core/portfolio/correlation-options.ts); each needs --correlation on.
  'correlation-sample-ms': { schema: int(1, 3_600_000), accepts: 'milliseconds from 1 to 3600000', help: 'one log return per symbol per this many ms (default 100; needs --correlation on)' },
  'correlation-window': { schema: int(CORRELATION_MIN_POINTS, 100_000), accepts: `an integer from ${CORRELATION_MIN_POINTS} to 100000`, help: 'returns per symbol the matrix is computed over (default 1000; needs --correlation on)' },
  'correlation-recompute-ms': { schema: int(1, 3_600_000), accepts: 'milliseconds from 1 to 3600000', help: 'the pool recomputes and publishes the matrix this often (default 100; needs --correlation on)' },
  ...EXCHANGE_OPTION_SPECS,
  help: { schema: z.literal('true'), accepts: 'no value (or -h)', help: 'print this help' },
} satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTION_SPECS;

export interface EngineOptions {
  workers: number;
  /** Core of each worker (length = workers). */
  cores: number[];
  /** Order source threads (the generator's). */
  sources: number;
  /** Core of each source (length = sources). */
  sourceCores: number[];
  /** How a source makes its events (core/source/event-source.ts). */
  sourceMode: SourceMode;
  rate: number;
  duration: number;
  symbols: number;
  seed: number;
  wait: WaitStrategyName;
  metrics: 'table' | 'json';
  /** Serve the metrics in the Prometheus format on 127.0.0.1 at this port. */
  metricsPort?: number;
  /** Serve the operator commands (engine/control/) on 127.0.0.1 at this port. */
  controlPort?: number;
  ringSlots: number;
  burst?: BurstPattern;
  badFraction: number;
  tickRatio: number;
  backpressureUs: number;
  batch: number;
  liveOrders: number;
  /** Market data from a WebSocket feed instead of the generator's ticks. */
  feed?: { url: string; venue: Venue; subscribe: string[]; staleMs: number; seqCheck: 'contiguous' | 'monotonic' };
  /** Whether the generator sends orders. */
  orders: boolean;
  /**
   * The limits config file, read and validated here, its symbol entries against the engine's
   * symbols (a bad one is an option error, exit 2); `unused`: entries for instruments this run lacks.
   */
  limits: { path: string; initial: { config: LimitsConfig; text: string }; unused: string[] };
  /** Directory of the state file (engine/state-file.ts), read at start and written as the state changes. */
  stateDir: string;
  /** The correlation engine (engine/portfolio/correlation-service.ts), when --correlation on. */
  correlation?: CorrelationOptions;
  /** Where accepted orders go (core/config/exchange-options.ts). */
  exchange: ExchangeOptions;
  /** A scripted market (a crash scenario): its instruments are the engine's symbols, and the generator's ticks follow its path. */
  scripted?: ScriptedMarket;
}

/**
 * What a scenario runner (scripts/scenario.ts) hands parseEngineOptions in place of
 * --symbols: the universe, in symbol-id order, and the path of every symbol's mid.
 */
export interface ScriptedMarket {
  /** The scenario's name, for the log. */
  name: string;
  instruments: Instrument[];
  path: ScriptedPath;
  /** The notional band the generator keeps each symbol's position in (a long book takes the crash). */
  book?: { low: number; high: number };
}

export class OptionError extends Error {}

/** The file given to --limits, or the repo's generator-sized default, read and validated against the engine's symbols. */
function loadLimits(raw: string | undefined, symbols: readonly string[]): EngineOptions['limits'] {
  const path = raw ?? fileURLToPath(new URL('../../../config/limits.engine.json', import.meta.url));
  try {
    const initial = readLimitsConfig(path);
    return { path, initial, unused: checkLimitSymbols(initial.config, symbols, path) };
  } catch (e) {
    if (!(e instanceof LimitsConfigError)) throw e;
    throw new OptionError(`bot4: invalid --limits '${path}': ${e.message}`);
  }
}

/** Splits argv into option name -> raw string; `--flag` alone means 'true'. */
export function tokenize(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    // -h is the one short form: it is what a new user tries first.
    const arg = argv[i] === '-h' ? '--help' : argv[i];
    if (!arg.startsWith('--')) throw new OptionError(`bot4: unexpected argument '${arg}': options look like --name value`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!(name in OPTION_SPECS)) throw new OptionError(`bot4: unknown option --${name} (see --help)`);
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (name === 'help') value = 'true';
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    else throw new OptionError(`bot4: --${name} needs a value: ${OPTION_SPECS[name as OptionName].accepts}`);
    out.set(name, value);
  }
  return out;
}

function parseOne<K extends OptionName>(name: K, raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  const spec: OptionSpec = OPTION_SPECS[name];
  const r = spec.schema.safeParse(raw);
  if (!r.success) throw new OptionError(`bot4: invalid --${name} '${raw}': accepts ${spec.accepts}`);
  return r.data;
}

export function helpText(): string {
  const lines = ['usage: ./taskset.sh [options]', ''];
  for (const [name, spec] of Object.entries(OPTION_SPECS)) lines.push(`  --${name.padEnd(16)} ${spec.help}`, `  ${''.padEnd(18)} accepts ${spec.accepts}`);
  return lines.join('\n');
}

/**
 * Validates argv against the specs and fills defaults. `machineCores` decides the
 * default worker count and core list; `isTty` the default metrics format.
 */
export function parseEngineOptions(argv: readonly string[], machineCores: number, isTty: boolean, scripted?: ScriptedMarket): EngineOptions | 'help' {
  const raw = tokenize(argv);
  if (raw.has('help')) return 'help';
  const get = <K extends OptionName>(k: K) => parseOne(k, raw.get(k));
  if (scripted) {
    // The scenario decides the symbols and their prices: a flag that decides them too would be ignored.
    for (const k of ['symbols', 'feed', 'orders'] as const) {
      if (raw.has(k)) throw new OptionError(`bot4: --${k} cannot be used with scenario ${scripted.name}: the scenario decides the symbols and generates the orders`);
    }
    try {
      checkScriptedPath(scripted.path, scripted.instruments.length);
    } catch (e) {
      throw new OptionError(`bot4: scenario ${scripted.name}: ${(e as Error).message}`);
    }
  }
  const symbols = scripted ? scripted.instruments.length : ((get('symbols') as number | undefined) ?? 16);
  const feed = feedOptions(raw, get);
  const universe = feed ? feed.subscribe.length : symbols;
  const reserved = reservedSymbols(universe, feed !== undefined);
  const tradable = universe - (reserved.silent >= 0 ? 2 : 0);
  const askedSources = get('sources') as number | undefined;
  if (askedSources !== undefined && askedSources > tradable) {
    throw new OptionError(`bot4: invalid --sources '${raw.get('sources')}': more sources than tradable symbols (${tradable} of ${universe}; each source needs one)`);
  }
  const threads = defaultThreads(machineCores, askedSources);
  const sources = Math.min(threads.sources, tradable);
  const workers = (get('workers') as number | undefined) ?? threads.workers;
  const defaults = defaultCores(machineCores, sources, workers);
  const cores = listedCores('cores', workers, machineCores, raw, get) ?? defaults.workerCores;
  const sourceCores = listedCores('source-cores', sources, machineCores, raw, get) ?? defaults.sourceCores;
  const orders = ((get('orders') as string | undefined) ?? 'on') === 'on';
  checkThreadCount(workers, orders ? sources : 0, machineCores, raw);
  const exchange = exchangeOptions(raw, get, (m) => {
    throw new OptionError(m);
  });
  // Through a venue gateway every accepted order is a JSON request on one socket: a paced default.
  const rate = (get('rate') as number | undefined) ?? (exchange.kind === 'stand-in' ? 200_000 : DEFAULT_GATEWAY_RATE);
  const burst = get('burst') as BurstPattern | undefined;
  // A burst multiplies a paced rate; 'max' is already as fast as the rings take, so it would be ignored.
  if (burst && !Number.isFinite(rate)) throw new OptionError(`bot4: --burst needs a paced --rate (orders per second), not 'max'`);
  const sourceMode = (get('source-mode') as SourceMode | undefined) ?? 'generate';
  // A replay repeats the generator's own market: it cannot follow a live feed or a scenario's path in time.
  if (sourceMode === 'replay' && (feed || scripted)) throw new OptionError(`bot4: --source-mode replay cannot be used with ${feed ? '--feed' : `scenario ${scripted?.name}`}: it replays the generator's own market`);
  // No orders and no feed: no thread would have anything to do, and the run would "succeed" with nothing decided.
  if (!orders && !feed) throw new OptionError(`bot4: --orders off needs --feed: without orders or a feed there is nothing to run`);
  // The engine's symbol names (assembly.ts builds the same universe; its names do not depend on the seed).
  const names = feed ? feed.subscribe : scripted ? scripted.instruments.map((i) => i.name) : buildUniverse(symbols, 1).map((i) => i.name);
  const limits = loadLimits(raw.get('limits'), names);
  const liveOrders = (get('live-orders') as number | undefined) ?? 65536;
  checkLiveOrders(liveOrders, limits, names, raw);
  return {
    workers,
    cores,
    sources,
    sourceCores,
    sourceMode,
    rate,
    duration: (get('duration') as number | undefined) ?? 0,
    symbols,
    seed: (get('seed') as number | undefined) ?? 1,
    wait: (get('wait') as WaitStrategyName | undefined) ?? 'spin',
    metrics: (get('metrics') as 'table' | 'json' | undefined) ?? (isTty ? 'table' : 'json'),
    metricsPort: get('metrics-port') as number | undefined,
    controlPort: get('control-port') as number | undefined,
    ringSlots: (get('ring-slots') as number | undefined) ?? 16384,
    burst,
    badFraction: (get('bad-fraction') as number | undefined) ?? DEFAULT_LOAD.badFraction,
    tickRatio: (get('tick-ratio') as number | undefined) ?? DEFAULT_LOAD.ticksPerOrder,
    backpressureUs: (get('backpressure-us') as number | undefined) ?? 1000,
    batch: (get('batch') as number | undefined) ?? 256,
    liveOrders,
    limits,
    stateDir: (get('state-dir') as string | undefined) ?? 'state',
    feed,
    orders,
    correlation: correlationOptions(raw, get),
    exchange,
    scripted,
  };
}

/**
 * --correlation on with its geometry (each flag already range-checked by its spec); a geometry
 * flag without --correlation on would be ignored, so it is refused.
 */
function correlationOptions(raw: Map<string, string>, get: (k: OptionName) => unknown): CorrelationOptions | undefined {
  const flags = ['correlation-sample-ms', 'correlation-window', 'correlation-recompute-ms'] as const;
  if (get('correlation') !== 'on') {
    const stray = flags.find((k) => raw.has(k));
    if (stray) throw new OptionError(`bot4: --${stray} needs --correlation on`);
    return undefined;
  }
  return correlationOptionsSchema.parse({
    sampleMs: get('correlation-sample-ms'),
    window: get('correlation-window'),
    recomputeMs: get('correlation-recompute-ms'),
  });
}

/**
 * Refuses a live-order table that holds fewer orders than the limits allow on one symbol: an
 * order the symbol's maxOpenOrders admits would then be rejected OPEN_ORDER_TABLE_FULL on an
 * otherwise empty worker, so the configured limit would be a lie (and 2 slots held none at all).
 * A reload that raises maxOpenOrders past it is refused (engine/limits-loader.ts): the table is sized at start.
 */
function checkLiveOrders(liveOrders: number, limits: EngineOptions['limits'], symbols: readonly string[], raw: Map<string, string>): void {
  let most = 0;
  for (const r of symbolLimitRows(limits.initial.config, symbols)) most = Math.max(most, r.maxOpenOrders);
  if (usableLiveOrders(liveOrders) >= most) return;
  let least = 4;
  while (usableLiveOrders(least) < most) least *= 2;
  throw new OptionError(
    `bot4: invalid --live-orders '${raw.get('live-orders') ?? `${liveOrders} (the default)`}': holds ${usableLiveOrders(liveOrders)} live orders (3/4 of the slots), ` +
      `fewer than the ${most} open orders --limits ${limits.path} allows on a symbol (maxOpenOrders): at least ${least}`,
  );
}

/** Refuses more order-path threads than MAX_THREADS_PER_CORE per core or MAX_THREADS, naming the option asked for. */
function checkThreadCount(workers: number, sources: number, machineCores: number, raw: Map<string, string>): void {
  const limit = Math.min(MAX_THREADS, MAX_THREADS_PER_CORE * machineCores);
  if (workers + sources <= limit) return;
  const name = raw.has('workers') || !raw.has('sources') ? 'workers' : 'sources';
  throw new OptionError(
    `bot4: invalid --${name} '${raw.get(name) ?? ''}': ${workers} worker(s) + ${sources} source(s) = ${workers + sources} threads, more than ${limit} ` +
      `(${MAX_THREADS_PER_CORE} per core on ${machineCores} cores, at most ${MAX_THREADS}): each thread takes ~10 MB and, spinning, a core`,
  );
}

/** What a valid but doubtful combination of options deserves a warning for, once at start. */
export function optionWarnings(opts: EngineOptions): string[] {
  const out: string[] = [];
  if (opts.limits.initial.config.portfolioVar && !opts.correlation) {
    out.push(`--limits ${opts.limits.path} sets portfolioVar, but without --correlation on no covariance is computed: the VaR check is off`);
  }
  const unused = opts.limits.unused;
  if (unused.length > 0) out.push(`--limits ${opts.limits.path}: no such symbol in this run, limits unused: ${unused.join(', ')}`);
  if (opts.ringSlots < MIN_RING_SLOTS) {
    out.push(
      `--ring-slots ${opts.ringSlots} is below ${MIN_RING_SLOTS}: a ring this small fills between two of a worker's batches ` +
        `(--batch ${opts.batch}), so orders wait and are rejected with BACKPRESSURE and ticks are conflated`,
    );
  }
  return out;
}

/** A listed core list, checked against the machine and stretched (reused in turn) to `count` threads. */
function listedCores(name: 'cores' | 'source-cores', count: number, machineCores: number, raw: Map<string, string>, get: (k: OptionName) => unknown): number[] | undefined {
  const listed = get(name) as number[] | undefined;
  if (!listed) return undefined;
  const bad = listed.find((c) => c >= machineCores);
  if (bad !== undefined) throw new OptionError(`bot4: invalid --${name} '${raw.get(name)}': core ${bad} does not exist (this machine has cores 0-${machineCores - 1})`);
  return Array.from({ length: count }, (_, i) => listed[i % listed.length]);
}

/** --feed, --venue and --subscribe come together or not at all. */
function feedOptions(raw: Map<string, string>, get: (k: OptionName) => unknown): EngineOptions['feed'] {
  const url = get('feed') as string | undefined;
  const venue = get('venue') as Venue | undefined;
  const subscribe = get('subscribe') as string[] | undefined;
  const staleMs = (get('stale-ms') as number | undefined) ?? 2000;
  if (url === undefined) {
    for (const k of ['venue', 'subscribe', 'stale-ms', 'seq-check'] as const) {
      if (raw.has(k)) throw new OptionError(`bot4: --${k} needs --feed: ${OPTION_SPECS.feed.accepts}`);
    }
    return undefined;
  }
  if (!venue) throw new OptionError(`bot4: --feed needs --venue: ${OPTION_SPECS.venue.accepts}`);
  if (!subscribe) throw new OptionError(`bot4: --feed needs --subscribe: ${OPTION_SPECS.subscribe.accepts}`);
  const unknown = subscribe.find((name) => knownInstrument(name, 1) === undefined);
  if (unknown) throw new OptionError(`bot4: invalid --subscribe '${raw.get('subscribe')}': no instrument parameters for ${unknown} (majors such as BTC/USDT, BTC/USD, or SYN001/USDT...)`);
  const seqCheck = (get('seq-check') as 'contiguous' | 'monotonic' | undefined) ?? 'contiguous';
  return { url, venue, subscribe, staleMs, seqCheck };
}
