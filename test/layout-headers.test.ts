/**
 * Every shared-memory table refuses, at attach, a buffer that is not what it
 * expects: another layout's (magic), an older or newer format (version), a
 * buffer of the wrong size or one whose own header fields are corrupt; each
 * with a one-line message naming the layout. Every attaching class is tried.
 */
import { expect } from 'chai';
import { createBreakerRegistry, BreakerRegistry, type VenueBreakerSettings } from '../core/breaker/breaker-registry.js';
import { BREAKER_BOARD, Header as BoardHeader } from '../core/breaker/breaker-layout.js';
import { breakerSettings } from '../core/breaker/breaker-settings.js';
import { CircuitBreaker } from '../core/breaker/circuit-breaker.js';
import { TradingState } from '../core/breaker/trading-state.js';
import { writeInstrumentTable, type Instrument } from '../core/instruments/instrument.js';
import { Header as LimiterHeader, MAX_LIMITERS, RATE_LIMITERS } from '../core/limits/limiter-layout.js';
import { rateLimitsSchema } from '../core/limits/limiter-settings.js';
import { createRateLimiters, RateLimiter, RateLimiters } from '../core/limits/rate-limiter.js';
import { createExposureLedger, EXPOSURE_LEDGER, ExposureLedger } from '../core/risk/exposure-ledger.js';
import { createLimitsTable, LIMITS_TABLE, LimitsReader, writeLimitsTable } from '../core/risk/limits-table.js';
import { LiveOrderSet } from '../core/risk/live-order-set.js';
import { PreTradeChecker, type RiskBuffers } from '../core/risk/pre-trade-checks.js';
import { ReferenceBook } from '../core/risk/reference-book.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { VENUE_NAMES } from '../core/venue/venue.js';
import { CACHE_LINE_BYTES } from '../ipc/cache-line.js';
import { COVARIANCE_MATRIX, CovariancePublisher, CovarianceView, createCovarianceMatrix } from '../ipc/covariance-layout.js';
import { RETURNS_WINDOW, ReturnsReader, ReturnsWriter, createReturnsWindow } from '../ipc/returns-window-layout.js';
import { attachInstrumentTable, createInstrumentTable, INSTRUMENT_TABLE } from '../ipc/instrument-table-layout.js';
import { HEADER_FIELDS_BYTE, VERSION_I32, type LayoutId } from '../ipc/layout-header.js';
import { FakeClock } from './fixtures/fake-clock.js';

const clock = new FakeClock();
const BTC: Instrument = { name: 'BTC/USDT', tickSize: 0.01, lotStep: 0.00001, minQty: 0.0001, maxQty: 100, maxNotional: 250_000, collarFrac: 0.05, trading: true, venue: 0, initialPrice: 60000 };
const ROW = { maxPosition: 1, maxOpenOrders: 1, maxOpenNotional: 1, maxOrderNotional: 1, collarFrac: 0.1, maxRefAgeNs: 1, enabled: true };

function board(): SharedArrayBuffer {
  return createBreakerRegistry(Object.fromEntries(VENUE_NAMES.map((v) => [v, breakerSettings()])) as VenueBreakerSettings);
}

function limiters(): SharedArrayBuffer {
  return createRateLimiters(rateLimitsSchema.parse({}), clock.nowNs()).sab;
}

function riskBuffers(): RiskBuffers {
  return { table: createLimitsTable(2), board: board(), ledger: createExposureLedger(), limiters: limiters() };
}

/** A copy of `sab`, `bytes` long (cut short or zero-padded). */
function copy(sab: SharedArrayBuffer, bytes = sab.byteLength): SharedArrayBuffer {
  const out = new SharedArrayBuffer(bytes);
  new Uint8Array(out).set(new Uint8Array(sab, 0, Math.min(bytes, sab.byteLength)));
  return out;
}

/** A copy of `sab` with the int32 at `byte` set to `value`. */
function withWord(sab: SharedArrayBuffer, byte: number, value: number): SharedArrayBuffer {
  const out = copy(sab);
  new Int32Array(out)[byte >> 2] = value;
  return out;
}

function hex(word: number): string {
  return `0x${(word >>> 0).toString(16).padStart(8, '0')}`;
}

interface Layout {
  id: LayoutId;
  /** 'a breaker board' */
  a: string;
  create(): SharedArrayBuffer;
  /** Each way a thread attaches to the layout, by the name it goes by. */
  attach: Record<string, (sab: SharedArrayBuffer) => unknown>;
  /** The layout's own header fields whose corruption the attach catches: [what, byte, value, message given the intact buffer]. */
  corrupt: [string, number, number, (good: SharedArrayBuffer) => string][];
}

const layouts: Layout[] = [
  {
    id: BREAKER_BOARD,
    a: 'a breaker board',
    create: board,
    attach: {
      BreakerRegistry: (sab) => new BreakerRegistry(sab, clock),
      TradingState: (sab) => new TradingState(sab, clock),
      CircuitBreaker: (sab) => new CircuitBreaker(sab, 0, clock),
    },
    corrupt: [
      ['count', BoardHeader.count * 4, 0, () => 'breaker board: 0 breakers in its header, expected 1 to 8'],
      [
        'block offset',
        (BoardHeader.blockOffset + 1) * 4,
        0,
        (sab) => `breaker board: breaker 1 at byte 0, expected ${new Int32Array(sab)[BoardHeader.blockOffset + 1]} within ${sab.byteLength} bytes`,
      ],
    ],
  },
  {
    id: RATE_LIMITERS,
    a: 'a rate-limiter buffer',
    create: limiters,
    attach: {
      RateLimiters: (sab) => new RateLimiters(sab),
      RateLimiter: (sab) => new RateLimiter(sab, 0),
    },
    corrupt: [
      ['limiter count', LimiterHeader.limiters * 4, MAX_LIMITERS + 1, (sab) => `rate-limiter buffer: ${MAX_LIMITERS + 1} limiters, ${new Int32Array(sab)[LimiterHeader.rules]} rules in its header`],
      ['rule count', LimiterHeader.rules * 4, 1, (sab) => `rate-limiter buffer of ${new Int32Array(sab)[LimiterHeader.limiters]} limiters and 1 rules is ${sab.byteLength} bytes`],
    ],
  },
  {
    id: EXPOSURE_LEDGER,
    a: 'an exposure ledger',
    create: () => createExposureLedger(),
    attach: { ExposureLedger: (sab) => new ExposureLedger(sab, { trip: () => false }) },
    corrupt: [],
  },
  {
    id: LIMITS_TABLE,
    a: 'a limits table',
    create: () => createLimitsTable(2),
    attach: {
      LimitsReader: (sab) => new LimitsReader(sab),
      writeLimitsTable: (sab) => writeLimitsTable(sab, [ROW, ROW]),
    },
    corrupt: [['symbol count', HEADER_FIELDS_BYTE, 3, (sab) => `limits table of 3 symbols is ${sab.byteLength} bytes, expected ${sab.byteLength + 64}`]],
  },
  {
    id: INSTRUMENT_TABLE,
    a: 'an instrument table',
    create: () => createInstrumentTable(2),
    attach: {
      attachInstrumentTable: (sab) => attachInstrumentTable(sab),
      writeInstrumentTable: (sab) => writeInstrumentTable(sab, [BTC, BTC]),
      PreTradeChecker: (sab) => new PreTradeChecker(sab, new ReferenceBook(2), new LiveOrderSet(16), riskBuffers(), monotonicClock()),
    },
    corrupt: [['symbol count', HEADER_FIELDS_BYTE, 3, (sab) => `instrument table of 3 symbols is ${sab.byteLength} bytes, expected ${sab.byteLength + 64}`]],
  },
  {
    id: RETURNS_WINDOW,
    a: 'a returns window',
    create: () => createReturnsWindow({ symbols: 2, window: 16, sampleMs: 100 }),
    attach: {
      ReturnsWriter: (sab) => new ReturnsWriter(sab),
      ReturnsReader: (sab) => new ReturnsReader(sab),
    },
    corrupt: [['window', HEADER_FIELDS_BYTE + 4, 32, (sab) => `returns window of 2 symbols x 32 returns is ${sab.byteLength} bytes, expected ${sab.byteLength + 2 * CACHE_LINE_BYTES}`]],
  },
  {
    id: COVARIANCE_MATRIX,
    a: 'a covariance matrix',
    create: () => createCovarianceMatrix({ symbols: 4, sampleMs: 100, window: 16 }),
    attach: {
      CovarianceView: (sab) => new CovarianceView(sab),
      CovariancePublisher: (sab) => new CovariancePublisher(sab),
    },
    corrupt: [['symbol count', HEADER_FIELDS_BYTE, 5, (sab) => `covariance matrix of 5 symbols is ${sab.byteLength} bytes, expected ${sab.byteLength + 2 * 2 * CACHE_LINE_BYTES}`]],
  },
];

describe('shared-memory layout headers: attach checks magic, version and size', () => {
  it('every layout has its own magic', () => {
    const magics = layouts.map((l) => l.id.magic);
    expect(new Set(magics).size).to.equal(magics.length);
  });

  layouts.forEach((layout, k) => {
    const other = layouts[(k + 1) % layouts.length];
    const { id } = layout;
    describe(id.name, () => {
      for (const [name, attach] of Object.entries(layout.attach)) {
        describe(name, () => {
          it('attaches to a fresh buffer', () => {
            expect(() => attach(layout.create())).to.not.throw();
          });

          it(`refuses ${other.a} (wrong magic)`, () => {
            expect(() => attach(other.create())).to.throw(TypeError, `not ${layout.a}: magic ${hex(other.id.magic)} expected ${hex(id.magic)}`);
          });

          it('refuses a zeroed buffer of the right size', () => {
            const sab = new SharedArrayBuffer(layout.create().byteLength);
            expect(() => attach(sab)).to.throw(TypeError, `not ${layout.a}: magic 0x00000000 expected ${hex(id.magic)}`);
          });

          it('refuses another layout version', () => {
            const sab = withWord(layout.create(), VERSION_I32 * 4, id.version + 1);
            expect(() => attach(sab)).to.throw(TypeError, `${id.name} layout version ${id.version + 1}, expected ${id.version}`);
          });

          it('refuses a buffer one line longer than its header says', () => {
            const good = layout.create();
            const sab = copy(good, good.byteLength + CACHE_LINE_BYTES);
            expect(() => attach(sab)).to.throw(TypeError, ` is ${sab.byteLength} bytes, expected ${good.byteLength}`);
          });

          it('refuses a buffer shorter than the header line', () => {
            expect(() => attach(new SharedArrayBuffer(64))).to.throw(TypeError, `not ${layout.a}: 64 bytes, shorter than its ${CACHE_LINE_BYTES}-byte header`);
          });

          for (const [what, byte, value, message] of layout.corrupt) {
            it(`refuses a corrupt ${what}`, () => {
              const good = layout.create();
              expect(() => attach(withWord(good, byte, value))).to.throw(TypeError, message(good));
            });
          }
        });
      }
    });
  });
});
