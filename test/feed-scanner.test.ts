import { expect } from 'chai';
import { stringEnd } from '../core/feed/fast-shape.js';
import { MAX_DEPTH, ScanError, skipValue } from '../core/feed/json-scanner.js';
import { MessageScratch } from '../core/feed/message-scratch.js';
import { SymbolMap, venueSymbol } from '../core/feed/symbol-map.js';
import { Rng, mutate, randomJson } from './feed-messages.js';

function skip(s: string): number {
  const b = Buffer.from(s);
  return skipValue(b, 0, b.length);
}

/** skipValue's verdict on a whole document: valid (consumes it all, whitespace aside) or not. */
function isJson(b: Uint8Array): boolean {
  const i = skipValue(b, 0, b.length);
  if (i < 0) return false;
  let j = i;
  while (j < b.length && (b[j] === 0x20 || b[j] === 0x0a || b[j] === 0x0d || b[j] === 0x09)) j++;
  return j === b.length;
}

function jsonParses(b: Uint8Array): boolean {
  try {
    JSON.parse(Buffer.from(b).toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

describe('feed JSON scanner', () => {
  it('skips every kind of value and stops right after it', () => {
    const cases: [string, number][] = [
      ['{"a":[1,2,{"b":null}],"c":"x\\"y"} tail', 33],
      ['[]', 2],
      ['{}', 2],
      ['"\\u00e9\\n"', 10],
      ['-0.5e-3,', 7],
      ['true]', 4],
      ['false', 5],
      ['null', 4],
      [' [ 1 , { } ] ', 12],
    ];
    for (const [s, end] of cases) expect(skip(s), s).to.equal(end);
  });

  it('tells truncated input from malformed input', () => {
    for (const s of ['{"a":1', '[1,2', '"abc', '{"a"', '{"a":', 'tru', '-', '1.', '1e', '"\\u12', '{"a":[{"b":']) {
      expect(skip(s), s).to.equal(ScanError.TRUNCATED);
    }
    for (const s of ['{a:1}', '[1,]', '{"a":1,}', '{"a" 1}', 'nul!', '"\x01"', '"\\x"', '[1 2]', '{"a":1]', '+1', '.5', 'NaN']) {
      expect(skip(s), s).to.not.be.greaterThan(-1);
      expect(skip(s), s).to.not.equal(ScanError.TRUNCATED);
    }
  });

  it(`refuses nesting deeper than ${MAX_DEPTH} instead of recursing`, () => {
    const nested = (n: number) => '['.repeat(n) + '1' + ']'.repeat(n);
    expect(skip(nested(MAX_DEPTH))).to.equal(2 * MAX_DEPTH + 1);
    expect(skip(nested(MAX_DEPTH + 1))).to.equal(ScanError.TOO_DEEP);
    expect(skip('['.repeat(100_000))).to.equal(ScanError.TOO_DEEP);
  });

  it('accepts exactly what JSON.parse accepts (random documents and mutations, nesting aside)', () => {
    const r = new Rng(99);
    let valid = 0;
    for (let k = 0; k < 20_000; k++) {
      const doc = Buffer.from(randomJson(r));
      const b = k % 2 === 0 ? doc : mutate(r, doc);
      const ours = isJson(b);
      if (ours !== jsonParses(b)) expect.fail(`disagrees with JSON.parse (ours ${ours}) on ${JSON.stringify(Buffer.from(b).toString('latin1'))}`);
      if (ours) valid++;
    }
    expect(valid).to.be.greaterThan(10_000);
  });

  it('finds a string end 4 bytes at a time, and stops at escapes, control bytes and the end', () => {
    const sc = new MessageScratch(256);
    const at = (s: string) => {
      const b = Buffer.from(s, 'latin1');
      const n = sc.load(b, 0, b.length);
      return stringEnd(sc.u8, sc.dv, 0, n);
    };
    expect(at('abcdefghij"rest')).to.equal(10);
    expect(at('"')).to.equal(0);
    expect(at('abc\\"def"')).to.equal(-1);
    expect(at('ab\ncd"')).to.equal(-1);
    expect(at('abcdefgh')).to.equal(-1);
    expect(at('\u00e9\u00ff\u0080"')).to.equal(3);
  });
});

describe('feed symbol map', () => {
  const names = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BTC/USD', 'SYN001/USDT'];

  it('spells unified symbols the way each venue does', () => {
    expect(venueSymbol('binance', 'BTC/USDT')).to.equal('BTCUSDT');
    expect(venueSymbol('coinbase', 'BTC/USD')).to.equal('BTC-USD');
    expect(venueSymbol('kraken', 'BTC/USD')).to.equal('BTC/USD');
    expect(() => venueSymbol('binance', 'btcusdt')).to.throw(RangeError);
  });

  it('looks engine ids up from bytes, and only exact matches', () => {
    for (const venue of ['binance', 'coinbase', 'kraken'] as const) {
      const map = new SymbolMap(
        venue,
        names.map((unified, k) => ({ unified, id: 100 + k })),
      );
      names.forEach((n, k) => {
        const b = Buffer.from(`xx${venueSymbol(venue, n)}yy`);
        expect(map.lookup(b, 2, b.length - 2)).to.equal(100 + k);
        expect(map.unifiedOf(100 + k)).to.equal(n);
      });
      expect(map.lookupString(venueSymbol(venue, 'BTC/USDT').slice(1))).to.equal(-1);
      expect(map.lookupString(venueSymbol(venue, 'BTC/USDT') + 'X')).to.equal(-1);
      expect(map.lookupString('')).to.equal(-1);
    }
  });

  it('holds thousands of symbols with colliding hashes', () => {
    const many = Array.from({ length: 5000 }, (_, k) => `S${k}/USDT`);
    const map = SymbolMap.fromList('binance', many);
    many.forEach((n, k) => expect(map.lookupString(venueSymbol('binance', n))).to.equal(k));
    expect(map.lookupString('S5000USDT')).to.equal(-1);
  });

  it('refuses duplicate symbols or ids and malformed names', () => {
    expect(() => new SymbolMap('kraken', [{ unified: 'BTC/USD', id: 1 }, { unified: 'BTC/USD', id: 2 }])).to.throw(/duplicate symbol/);
    expect(() => new SymbolMap('kraken', [{ unified: 'BTC/USD', id: 1 }, { unified: 'ETH/USD', id: 1 }])).to.throw(/duplicate engine id/);
    expect(() => SymbolMap.fromList('kraken', ['BTCUSD'])).to.throw(/unified/);
  });
});
