/**
 * The limits config: validation with one-line errors, the limits table and
 * its seqlock under a real reader thread, and hot reload (a good file
 * applies to every shared structure, a bad or restart-only file is refused
 * and the old limits stay; file changes and SIGHUP both trigger it).
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { Block, Config, blockOffset } from '../core/breaker/breaker-layout.js';
import { LimitsConfigError, checkLimitSymbols, parseLimitsConfig, readLimitsConfig, symbolLimitRows, type LimitsConfigInput } from '../core/config/limits-config.js';
import { LimitsLoader, limitsChanges } from '../engine/limits-loader.js';
import { createRiskState, type RiskState } from '../engine/risk-state.js';
import { createLimitsTable, LIMIT_STRIDE, LimitField, LimitsReader, readLimitsTable, writeLimitsTable, type SymbolLimitRow } from '../core/risk/limits-table.js';
import { RateLimiters } from '../core/limits/rate-limiter.js';
import { TradingMode } from '../core/breaker/trading-state.js';
import { Market, Venue } from '../core/venue/venue.js';
import { FakeClock } from './fixtures/fake-clock.js';

const EXAMPLE = new URL('../../config/limits.example.json', import.meta.url);
const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'DOGE/USDT', 'SYN001/USDT'];

function example(): LimitsConfigInput {
  return JSON.parse(readFileSync(EXAMPLE, 'utf8')) as LimitsConfigInput;
}

function errorOf(input: unknown): string {
  try {
    parseLimitsConfig(input, 'test.json');
  } catch (e) {
    expect(e).to.be.instanceOf(LimitsConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('limits config: validation', () => {
  it('accepts the example file and merges symbol overrides over the defaults', () => {
    const { config } = readLimitsConfig(EXAMPLE.pathname);
    const rows = symbolLimitRows(config, SYMBOLS);
    expect(rows[0]).to.deep.equal({ maxPosition: 25, maxOpenOrders: 200, maxOpenNotional: 2_000_000, maxOrderNotional: 250_000, collarFrac: 0.05, maxRefAgeNs: 2e9, enabled: true });
    expect(rows[2]).to.include({ collarFrac: 0.03, maxOpenOrders: 50 });
    expect(rows[3]).to.include({ maxPosition: 1_000_000, maxOpenOrders: 200 });
  });

  it('names the first bad field in one line', () => {
    const bad = example();
    (bad.symbols as Record<string, object>)['BTC/USDT'] = { collarBps: 20_000 };
    expect(errorOf(bad)).to.match(/^limits config test\.json: symbols\.BTC\/USDT\.collarBps: Too big: expected number to be <=10000$/);
    const unknown = { ...example(), extra: 1 };
    expect(errorOf(unknown)).to.match(/^limits config test\.json: \(root\): Unrecognized key: "extra"$/);
    const missing = example();
    delete (missing.account as Partial<typeof missing.account>).grossExposureLimit;
    expect(errorOf(missing)).to.match(/account\.grossExposureLimit: Invalid input/);
    expect(errorOf({ ...example(), breakers: { kraken: { slidingWindowType: 'time', slidingWindowSize: 10, bucketMs: 100 } } })).to.match(/breakers\.kraken\.bucketMs: slidingWindowSize \* 1000 \/ bucketMs/);
    expect(errorOf({ ...example(), breakers: { default: { failureRateThreshold: 0 } } })).to.match(/breakers\.default\.failureRateThreshold/);
    const routes = example();
    routes.rateLimits = { limiters: { extra: { orders: { venue: 'binance', market: 'spot' }, rules: [{ kind: 'tokenBucket', counts: 'orders', ratePerSec: 1, burst: 1 }] } } };
    expect(errorOf(routes)).to.match(/rateLimits: rate limiters binance\.spot and extra both claim orders for binance\/spot/);
    expect(errorOf({ ...example(), account: { grossExposureLimit: 1e12, dailyLossLimit: 0 } })).to.match(/account\.grossExposureLimit: more than/);
  });

  it('reports unreadable files and bad JSON in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot4-limits-'));
    expect(() => readLimitsConfig(join(dir, 'none.json'))).to.throw(LimitsConfigError, /none\.json: cannot read \(ENOENT\)/);
    writeFileSync(join(dir, 'bad.json'), '{ "account": ');
    expect(() => readLimitsConfig(join(dir, 'bad.json'))).to.throw(LimitsConfigError, /bad\.json: invalid JSON/);
  });

  it('refuses an entry for no engine symbol, with a hint when only separators differ; an instrument outside the run is returned as unused', () => {
    const c = (names: string[]) => {
      const input = example();
      input.symbols = Object.fromEntries(names.map((n) => [n, { maxPosition: 1 }]));
      return parseLimitsConfig(input, 'test.json');
    };
    const refusal = (names: string[]) => {
      try {
        checkLimitSymbols(c(names), SYMBOLS, 'test.json');
      } catch (e) {
        expect(e).to.be.instanceOf(LimitsConfigError);
        return (e as Error).message;
      }
      throw new Error(`accepted ${names.join(', ')}`);
    };
    expect(refusal(['BTCUSDT'])).to.equal('limits config test.json: symbols.BTCUSDT: not a symbol of the engine; did you mean BTC/USDT?');
    expect(refusal(['eth-usdt', 'BTC/USDT'])).to.match(/symbols\.eth-usdt: .*did you mean ETH\/USDT\?$/);
    expect(refusal(['FOO/BAR', 'XBT'])).to.equal('limits config test.json: symbols.FOO/BAR: not a symbol of the engine (names look like BTC/USDT) (+1 more)');
    expect(checkLimitSymbols(c(['BTC/USDT', 'SOL/USDT', 'BTC/USD', 'SYN999/USDT']), SYMBOLS, 'test.json')).to.deep.equal(['SOL/USDT', 'BTC/USD', 'SYN999/USDT']);
  });

  it('lists changes as path: old -> new', () => {
    const a = parseLimitsConfig(example(), 'a');
    const next = example();
    (next.symbols as Record<string, Record<string, number>>)['BTC/USDT'].maxPosition = 30;
    next.account.tradingState = 'REDUCING';
    expect(limitsChanges(a, parseLimitsConfig(next, 'b'))).to.deep.equal(['account.tradingState: "ACTIVE" -> "REDUCING"', 'symbols.BTC/USDT.maxPosition: 25 -> 30']);
  });
});

function row(v: number): SymbolLimitRow {
  return { maxPosition: v, maxOpenOrders: v, maxOpenNotional: v, maxOrderNotional: v, collarFrac: v, maxRefAgeNs: v, enabled: true };
}

describe('limits table (seqlock)', () => {
  it('a reader copies only when main wrote a new version, and never a half-written one', () => {
    const table = createLimitsTable(2);
    writeLimitsTable(table, [row(1), row(1)]);
    const reader = new LimitsReader(table);
    expect(reader.rows[LimitField.maxPosition]).to.equal(1);
    expect(reader.refresh()).to.equal(false);
    writeLimitsTable(table, [row(2), row(3)]);
    expect(reader.refresh()).to.equal(true);
    expect(reader.rows[LIMIT_STRIDE + LimitField.maxOpenOrders]).to.equal(3);
    // Main in the middle of a rewrite (odd version): the reader keeps what it has.
    const v = new Int32Array(table, 0, 1);
    Atomics.add(v, 0, 1);
    new Float64Array(table, 128)[0] = 99;
    expect(reader.refresh()).to.equal(false);
    expect(reader.rows[0]).to.equal(2);
  });

  it('readLimitsTable gives back the rows and the account row as written', () => {
    const table = createLimitsTable(2);
    const rows = [row(2), { ...row(3), enabled: false, collarFrac: 0.07 }];
    const account = { limit: 5000, confidence: 0.95, horizonMs: 60_000, fallbackDailyVol: 0.04, fallbackCorrelation: 0.6 };
    writeLimitsTable(table, rows, account);
    expect(readLimitsTable(table)).to.deep.equal({ rows, account });
  });

  it('a reader thread refreshing while main rewrites never sees a row that mixes two versions', async function () {
    this.timeout(20_000);
    const symbols = 512;
    const table = createLimitsTable(symbols);
    writeLimitsTable(table, Array.from({ length: symbols }, () => row(1)));
    const stop = new SharedArrayBuffer(8); // [0]: stop flag (main); [1]: refreshes so far (reader)
    const worker = new Worker(new URL('./fixtures/limits-table-reader.js', import.meta.url), { workerData: { table, stop } });
    // The result counts once the reader's thread has ended: it does not outlive the test.
    const result = new Promise<{ refreshed: number; torn: number }>((resolve, reject) => {
      let got: { refreshed: number; torn: number } | undefined;
      worker.once('message', (m: { refreshed: number; torn: number }) => (got = m));
      worker.once('error', reject);
      worker.once('exit', (code) => (got && code === 0 ? resolve(got) : reject(new Error(`reader exited ${code} without a result`))));
    });
    await new Promise((resolve) => worker.once('online', resolve));
    // At least 400 ms, and on until the reader has refreshed more than 10 times: how many refreshes
    // fit in 400 ms depends on the machine, so the loop waits for them rather than the test counting them.
    const end = Date.now() + 400;
    const progress = new Int32Array(stop);
    for (let k = 2; Date.now() < end || Atomics.load(progress, 1) <= 10; k++) {
      const rows = Array.from({ length: symbols }, () => row(k));
      writeLimitsTable(table, rows);
      if (k % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    Atomics.store(new Int32Array(stop), 0, 1);
    const { refreshed, torn } = await result;
    expect(refreshed).to.be.greaterThan(10);
    expect(torn).to.equal(0);
  });
});

interface Captured {
  level: number;
  msg: string;
  changes?: string[];
}

function capture(): { logger: pino.Logger; lines: Captured[] } {
  const lines: Captured[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Captured) });
  return { logger, lines };
}

describe('limits config: hot reload', () => {
  let dir: string;
  let path: string;
  let state: RiskState;
  let loader: LimitsLoader;
  let lines: Captured[];
  const clock = new FakeClock(5e15);

  function write(c: LimitsConfigInput | string): void {
    // Write then rename, as editors do: the watcher must follow the replaced file.
    writeFileSync(`${path}.tmp`, typeof c === 'string' ? c : JSON.stringify(c, null, 2));
    renameSync(`${path}.tmp`, path);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bot4-limits-'));
    path = join(dir, 'limits.json');
    write(example());
    const initial = readLimitsConfig(path);
    state = createRiskState(initial.config, SYMBOLS, clock);
    const cap = capture();
    lines = cap.lines;
    loader = new LimitsLoader(path, initial, state, cap.logger);
  });

  afterEach(() => loader.close());

  it('a good file applies to the table, the ledger, the trading mode, the breakers and the limiters, and logs each change', () => {
    const next = example();
    (next.symbols as Record<string, Record<string, number>>)['BTC/USDT'].maxPosition = 30;
    next.account.grossExposureLimit = 1_000_000;
    next.account.tradingState = 'REDUCING';
    (next.breakers!.default as Record<string, number>).failureRateThreshold = 25;
    (next.rateLimits!.limiters!['binance.spot'].rules[0] as { limit: number }).limit = 40;
    write(next);
    const reader = new LimitsReader(state.table);
    expect(loader.reload('test').outcome).to.equal('applied');
    expect(loader.current().account.tradingState).to.equal('REDUCING');
    expect(reader.refresh()).to.equal(true);
    expect(reader.rows[LimitField.maxPosition]).to.equal(30);
    expect(state.exposure.limit()).to.equal(1_000_000);
    expect(state.registry.trading.mode()).to.equal(TradingMode.REDUCING);
    const cfg = blockOffset(state.board, Venue.kraken) + Block.config;
    expect(new Float64Array(state.board)[(cfg + Config.failPct) >> 3]).to.equal(25);
    const limiter = new RateLimiters(state.limiters).forOrders(Venue.binance, Market.spot)!;
    let n = 0;
    for (let i = 0; i < 100; i++) if (limiter.tryAcquire(1, 1, clock.now)) n++;
    expect(n).to.equal(40);
    const log = lines.at(-1)!;
    expect(log.level).to.equal(30);
    expect(log.changes).to.have.members([
      'account.grossExposureLimit: 5000000 -> 1000000',
      'account.tradingState: "ACTIVE" -> "REDUCING"',
      'symbols.BTC/USDT.maxPosition: 25 -> 30',
      'rateLimits.limiters.binance.spot.rules.0.limit: 45 -> 40',
      'breakers.default.failureRateThreshold: 50 -> 25',
    ]);
    expect(log.msg).to.match(/applied \(test\): 5 change\(s\)/);
  });

  it('a maxOpenOrders over what a worker\'s live-order table holds is refused: the table is sized at start', () => {
    const small = new LimitsLoader(path, readLimitsConfig(path), state, capture().logger, 200); // the example's default is 200
    const reader = new LimitsReader(state.table);
    const next = example();
    (next.symbols as Record<string, Record<string, number>>)['ETH/USDT'] = { maxOpenOrders: 201 };
    write(next);
    const r = small.reload('test');
    expect(r.outcome).to.equal('refused');
    expect(r.reason).to.match(/maxOpenOrders 201 for ETH\/USDT: a worker's live-order table holds 200 \(--live-orders\); a larger table needs a restart/);
    expect(reader.refresh()).to.equal(false);
    (next.symbols as Record<string, Record<string, number>>)['ETH/USDT'] = { maxOpenOrders: 150 };
    write(next);
    expect(small.reload('test').outcome).to.equal('applied');
    small.close();
  });

  it('a bad file is refused with one line and every old limit stays', () => {
    const reader = new LimitsReader(state.table);
    const seq = reader.seq;
    const bad = example();
    bad.symbolDefaults.maxOpenOrders = -1;
    bad.account.grossExposureLimit = 1;
    write(bad);
    expect(loader.reload('test').outcome).to.equal('refused');
    expect(reader.refresh()).to.equal(false);
    expect(reader.seq).to.equal(seq);
    expect(state.exposure.limit()).to.equal(5_000_000);
    const log = lines.at(-1)!;
    expect(log.level).to.equal(50);
    expect(log.msg).to.match(/limits config .*limits\.json: symbolDefaults\.maxOpenOrders: Too small: expected number to be >=0; old limits kept$/);
    expect(log.msg).to.not.include('\n');
    write('not json');
    expect(loader.reload('test').outcome).to.equal('refused');
    expect(lines.at(-1)!.msg).to.match(/invalid JSON/);
  });

  it('a change the running layout cannot take is refused, naming it', () => {
    const next = example();
    (next.breakers!.default as Record<string, number>).slidingWindowSize = 200;
    write(next);
    expect(loader.reload('test').outcome).to.equal('refused');
    expect(lines.at(-1)!.msg).to.match(/breakers\.binance: a new window type or size needs a restart; old limits kept/);
    const kraken = example();
    kraken.rateLimits!.profile = 'reference';
    write(kraken);
    expect(loader.reload('test').outcome).to.equal('refused');
    expect(lines.at(-1)!.msg).to.match(/rateLimits: rate limiters changed/);
  });

  it('an unchanged file changes nothing and says so in one info line', () => {
    write(readFileSync(path, 'utf8'));
    expect(loader.reload('SIGHUP').outcome).to.equal('unchanged');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ level: 30 });
    expect(lines[0].msg).to.match(/limits unchanged \(SIGHUP\)$/);
  });

  it('a file with an entry for no engine symbol is refused with one line, and the old limits stay', () => {
    const reader = new LimitsReader(state.table);
    const next = example();
    (next.symbols as Record<string, object>).BTCUSDT = { maxPosition: 1 };
    next.account.grossExposureLimit = 1_000_000;
    write(next);
    expect(loader.reload('SIGHUP').outcome).to.equal('refused');
    expect(reader.refresh()).to.equal(false);
    expect(state.exposure.limit()).to.equal(5_000_000);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ level: 50 });
    expect(lines[0].msg).to.match(/limits\.json: symbols\.BTCUSDT: not a symbol of the engine; did you mean BTC\/USDT\?; old limits kept$/);
  });

  async function waitForLog(pred: (l: Captured) => boolean): Promise<Captured> {
    // A deadline for a line that never comes, not a latency bar: the watcher is in time on any machine.
    for (let i = 0; i < 1500; i++) {
      const l = lines.find(pred);
      if (l) return l;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no such log line within 15 s');
  }

  it('reloads by itself when the file is replaced, and on SIGHUP', async function () {
    this.timeout(40_000);
    loader.watch();
    const next = example();
    next.account.dailyLossLimit = 1234;
    write(next);
    const applied = await waitForLog((l) => /applied \(file change\)/.test(l.msg));
    expect(applied.changes).to.deep.equal(['account.dailyLossLimit: 50000 -> 1234']);
    next.account.dailyLossLimit = 999;
    writeFileSync(path, JSON.stringify(next));
    loader.close(); // no watcher: only the signal can pick it up now
    loader.watch();
    process.emit('SIGHUP', 'SIGHUP');
    const hup = await waitForLog((l) => /applied \(SIGHUP\)/.test(l.msg));
    expect(hup.changes).to.deep.equal(['account.dailyLossLimit: 1234 -> 999']);
  });
});
