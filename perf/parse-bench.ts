/**
 * parse: market data messages per second on one thread, per venue format,
 * for the bot4 byte parsers (Buffer in, ring-slot frames out) against, in the
 * same run and on the same Buffers, what a Node feed handler does without
 * them: JSON.parse(buffer.toString()) then Number() of the fields and a Map
 * lookup of the symbol; and the same plus zod validation of the parsed
 * object. The messages are the venues' exact formats as the feed simulator
 * prints them (sim/feed/venue-encoders.ts), 1024 distinct ones per
 * format. Runs are interleaved so all three see the same machine; GCs are
 * counted during the bot4 runs (the parsers allocate nothing per message).
 *
 * Options: --runs N (7) --messages N (200000 per run and implementation) --format NAME (all)
 */
import { z } from 'zod';
import { createParser } from '../core/feed/create-parser.js';
import { Reason } from '../core/feed/feed-stats.js';
import { SymbolMap, venueSymbol, type Venue } from '../core/feed/symbol-map.js';
import type { VenueParser } from '../core/feed/venue-parser.js';
import { GcMeter } from '../core/metrics/gc-meter.js';
import { SimMarket } from '../sim/feed/sim-market.js';
import { encoderFor, type SimConnectionState } from '../sim/feed/venue-encoders.js';
import { machineInfo, median, throughputRatio, type BenchReport, type BenchResult } from './bench-report.js';

const Options = z
  .object({
    runs: z.coerce.number().int().min(1).max(100).default(7),
    messages: z.coerce.number().int().min(1000).max(1e8).default(200_000),
    format: z.string().optional(),
  })
  .strict();
type Options = z.infer<typeof Options>;

const CORPUS = 1024;
const SYMBOLS = 16;

type Obj = Record<string, unknown>;

interface Format {
  name: string;
  venue: Venue;
  stream: 'book' | 'trade';
  combined: boolean;
  /** What a handler does with the parsed object: Number() of the fields, the symbol's id; returns a checksum. */
  fields(o: Obj, ids: Map<string, number>): number;
  schema: z.ZodType;
}

const n = (x: unknown) => Number(x);
const id = (ids: Map<string, number>, s: unknown) => ids.get(s as string) ?? -1;
const str = z.string();
const binanceBook = z.object({ u: z.number(), s: str, b: str, B: str, a: str, A: str });
const binanceTrade = z.object({ e: z.literal('trade'), E: z.number(), s: str, t: z.number(), p: str, q: str, T: z.number(), m: z.boolean() });
const coinbaseTicker = z.object({
  product_id: str,
  price: str,
  best_bid: str,
  best_bid_quantity: str,
  best_ask: str,
  best_ask_quantity: str,
});
const krakenTicker = z.object({ symbol: str, bid: z.number(), bid_qty: z.number(), ask: z.number(), ask_qty: z.number(), last: z.number() });
const krakenTrade = z.object({ symbol: str, price: z.number(), qty: z.number(), trade_id: z.number() });

const book = (o: Obj, ids: Map<string, number>) => n(o.b) + n(o.B) + n(o.a) + n(o.A) + (o.u as number) + id(ids, o.s);

const FORMATS: Format[] = [
  { name: 'binance-bookTicker', venue: 'binance', stream: 'book', combined: false, fields: book, schema: binanceBook },
  {
    name: 'binance-bookTicker-combined',
    venue: 'binance',
    stream: 'book',
    combined: true,
    fields: (o, ids) => book(o.data as Obj, ids),
    schema: z.object({ stream: str, data: binanceBook }),
  },
  {
    name: 'binance-trade',
    venue: 'binance',
    stream: 'trade',
    combined: false,
    fields: (o, ids) => n(o.p) + n(o.q) + (o.t as number) + id(ids, o.s),
    schema: binanceTrade,
  },
  {
    name: 'coinbase-ticker',
    venue: 'coinbase',
    stream: 'book',
    combined: false,
    fields: (o, ids) => {
      let s = o.sequence_num as number;
      for (const e of o.events as Obj[]) {
        for (const t of e.tickers as Obj[]) {
          s += n(t.price) + n(t.best_bid) + n(t.best_bid_quantity) + n(t.best_ask) + n(t.best_ask_quantity) + id(ids, t.product_id);
        }
      }
      return s;
    },
    schema: z.object({ channel: z.literal('ticker'), sequence_num: z.number(), events: z.array(z.object({ type: str, tickers: z.array(coinbaseTicker) })) }),
  },
  {
    name: 'kraken-ticker',
    venue: 'kraken',
    stream: 'book',
    combined: false,
    fields: (o, ids) => {
      let s = 0;
      for (const d of o.data as Obj[]) s += (d.bid as number) + (d.bid_qty as number) + (d.ask as number) + (d.ask_qty as number) + (d.last as number) + id(ids, d.symbol);
      return s;
    },
    schema: z.object({ channel: z.literal('ticker'), type: str, data: z.array(krakenTicker) }),
  },
  {
    name: 'kraken-trade',
    venue: 'kraken',
    stream: 'trade',
    combined: false,
    fields: (o, ids) => {
      let s = 0;
      for (const d of o.data as Obj[]) s += (d.price as number) + (d.qty as number) + (d.trade_id as number) + id(ids, d.symbol);
      return s;
    },
    schema: z.object({ channel: z.literal('trade'), type: str, data: z.array(krakenTrade) }),
  },
];

function parseOptions(args: string[]): Options {
  const raw: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (!flag.startsWith('--') || i + 1 >= args.length) {
      process.stderr.write(`bot4 bench parse: bad argument '${flag}' (expected --name value)\n`);
      process.exit(2);
    }
    raw[flag.slice(2)] = args[++i];
  }
  const parsed = Options.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : String(issue.path[0]);
    process.stderr.write(`bot4 bench parse: bad --${key}: ${issue.code === 'unrecognized_keys' ? 'unknown option' : issue.message}\n`);
    process.exit(2);
  }
  if (parsed.data.format !== undefined && !FORMATS.some((f) => f.name === parsed.data.format)) {
    process.stderr.write(`bot4 bench parse: bad --format: one of ${FORMATS.map((f) => f.name).join(', ')}\n`);
    process.exit(2);
  }
  return parsed.data;
}

/** The format's messages exactly as the simulator (and the venue) prints them. */
function corpus(f: Format): Buffer[] {
  const market = new SimMarket(f.venue, SYMBOLS, 42);
  const enc = encoderFor(f.venue);
  const state: SimConnectionState = {
    combined: f.combined,
    subs: [],
    heartbeats: false,
    seq: 0,
    bookSeq: new Float64Array(SYMBOLS).fill(400_900_217),
    tradeSeq: new Float64Array(SYMBOLS).fill(4_665_846),
    heartbeatCounter: 0,
  };
  const iso = '2023-09-25T09:04:31.742648Z';
  const out: Buffer[] = [];
  for (let k = 0; k < CORPUS; k++) {
    const i = k % SYMBOLS;
    const s = market.symbols[i];
    const q = market.step(i);
    const num = (x: number) => enc.num(x, 8);
    const m =
      f.stream === 'book'
        ? enc.book(state, s, i, { bid: num(q.bid), bidQty: num(q.bidQty), ask: num(q.ask), askQty: num(q.askQty), last: num(q.last) }, iso)
        : enc.trade(state, s, i, num(q.last), num(q.tradeQty), q.buy, iso);
    out.push(Buffer.from(m));
  }
  return out;
}

/** Keeps every implementation's results alive (checked at the end). */
let checksum = 0;

function timeBot4(p: VenueParser, msgs: Buffer[], count: number): number {
  let ok = 0;
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < count; k++) {
    const b = msgs[k & (CORPUS - 1)];
    if (p.parse(b, 0, b.length) === Reason.OK && p.batch.status[0] === Reason.OK) ok++;
  }
  const ns = Number(process.hrtime.bigint() - t0);
  if (ok !== count) throw new Error(`bot4 parser refused ${count - ok} of ${count} messages`);
  return count / (ns / 1e9);
}

function timeJson(f: Format, ids: Map<string, number>, msgs: Buffer[], count: number, validate: boolean): number {
  let s = 0;
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < count; k++) {
    let o = JSON.parse(msgs[k & (CORPUS - 1)].toString()) as Obj;
    if (validate) o = f.schema.parse(o) as Obj;
    s += f.fields(o, ids);
  }
  const ns = Number(process.hrtime.bigint() - t0);
  checksum += s;
  return count / (ns / 1e9);
}

export async function run(args: string[]): Promise<BenchReport> {
  const o = parseOptions(args);
  const formats = FORMATS.filter((f) => o.format === undefined || f.name === o.format);
  const results: BenchResult[] = [];
  const ratios: Record<string, number> = {};
  const gc = new GcMeter();
  for (const f of formats) {
    const unified = new SimMarket(f.venue, SYMBOLS, 42).symbols.map((s) => s.unified);
    const parser = createParser(f.venue, SymbolMap.fromList(f.venue, unified));
    const ids = new Map(unified.map((u, k) => [venueSymbol(f.venue, u), k]));
    const msgs = corpus(f);
    // Warm-up: every implementation reaches its optimised code before timing.
    timeBot4(parser, msgs, 100_000);
    timeJson(f, ids, msgs, 30_000, false);
    timeJson(f, ids, msgs, 30_000, true);
    const bot4: number[] = [];
    const json: number[] = [];
    const zod: number[] = [];
    let gcs = 0;
    for (let r = 0; r < o.runs; r++) {
      gc.harvest();
      const before = gc.count;
      bot4.push(timeBot4(parser, msgs, o.messages));
      gc.harvest();
      gcs += gc.count - before;
      json.push(timeJson(f, ids, msgs, o.messages, false));
      zod.push(timeJson(f, ids, msgs, Math.max(1000, o.messages >> 2), true));
    }
    const bytes = msgs.reduce((t, b) => t + b.length, 0) / msgs.length;
    const range = (xs: number[]) => `range ${Math.min(...xs).toPrecision(3)}-${Math.max(...xs).toPrecision(3)}`;
    results.push(
      { name: `${f.name} bot4`, unit: 'msg/s', median: median(bot4), runs: o.runs, note: `${Math.round(bytes)} B/msg; GCs ${gcs}; ${range(bot4)}` },
      { name: `${f.name} JSON.parse+Number`, unit: 'msg/s', median: median(json), runs: o.runs, note: range(json) },
      { name: `${f.name} JSON.parse+zod`, unit: 'msg/s', median: median(zod), runs: o.runs, note: range(zod) },
    );
    ratios[`vs_json_parse_${f.name}`] = throughputRatio(median(bot4), median(json));
    ratios[`vs_zod_${f.name}`] = throughputRatio(median(bot4), median(zod));
  }
  gc.stop();
  if (!Number.isFinite(checksum)) throw new Error('baseline checksum is not finite');
  return { suite: 'parse', machine: machineInfo(), results, ratios };
}
