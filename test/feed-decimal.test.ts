import { expect } from 'chai';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseDecimal, parseDecimalWide } from '../core/feed/decimal-parser.js';
import { MessageScratch } from '../core/feed/message-scratch.js';
import { Rng, randomNumberText } from './feed-messages.js';

const out = new Float64Array(1);
const scratch = new MessageScratch(4096);

/** parseDecimal over the whole string: the value, or 'reject' when it is not exactly one JSON number. */
function dec(s: string): number | 'reject' {
  const b = Buffer.from(s, 'latin1');
  return parseDecimal(b, 0, b.length, out, 0) === b.length ? out[0] : 'reject';
}

function wide(s: string): number | 'reject' {
  const b = Buffer.from(s, 'latin1');
  const n = scratch.load(b, 0, b.length);
  return parseDecimalWide(scratch.u8, scratch.dv, 0, n, out, 0) === n ? out[0] : 'reject';
}

function expectBits(s: string): void {
  const want = Number(s);
  const a = dec(s);
  const w = wide(s);
  if (!Object.is(a, want) || !Object.is(w, want)) expect.fail(`${s}: parseDecimal ${a}, parseDecimalWide ${w}, Number() ${want}`);
}

describe('feed decimal parser', () => {
  it('parses venue prices and sizes exactly', () => {
    for (const s of ['25.35190000', '31.21000000', '0.001', '100', '21932.98', '8038.07770938', '0.10025', '740.0', '1361.44813783', '-0.17', '400900217']) {
      expectBits(s);
    }
  });

  it('agrees bit for bit with Number() on hard cases', () => {
    const hard = [
      '0',
      '-0',
      '0.0',
      '-0.000',
      '0e999',
      '9007199254740991',
      '9007199254740992',
      '9007199254740993', // halfway between doubles: rounds to even
      '9007199254740995',
      '123456789012345678',
      '0.1',
      '0.30000000000000004',
      '1e22',
      '1e23',
      '123e30',
      '1.7976931348623157e308', // largest double
      '1.7976931348623158e308', // rounds down to it
      '1.7976931348623159e308', // overflows
      '2.2250738585072011e-308', // subnormal boundary
      '2.2250738585072014e-308',
      '4.9e-324', // smallest subnormal
      '2.4703282292062327e-324', // just below half of it: 0
      '2.4703282292062328e-324', // just above: the smallest subnormal
      '1e-400',
      '1e400',
      '-1e400',
      '8.98846567431158e307',
      '0.000000000000000000000000000000000001',
      '123456789.123000000000000',
      `${'9'.repeat(400)}.${'9'.repeat(400)}`,
      `0.${'0'.repeat(340)}1`,
      // 2^-1075 written out in full (767 significant digits): exactly halfway to 0, rounds to even (0);
      // one more non-zero digit far beyond 800 makes it round up.
      `2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324`,
      `2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125${'0'.repeat(300)}1e-324`,
    ];
    for (const s of hard) expectBits(s);
  });

  it('agrees bit for bit with Number() on 60,000 random JSON numbers (property)', () => {
    const r = new Rng(20261121);
    for (let k = 0; k < 60_000; k++) expectBits(randomNumberText(r));
  });

  it('round-trips random doubles printed every way JavaScript prints them', () => {
    const r = new Rng(7);
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    for (let k = 0; k < 20_000; k++) {
      words[0] = r.int(2 ** 32);
      words[1] = r.int(2 ** 32);
      const x = bits[0];
      if (!Number.isFinite(x)) continue;
      for (const s of [String(x), x.toPrecision(17), x.toExponential(20), x.toPrecision(16)]) expectBits(s.replace('e+', 'e'));
    }
  });

  it('refuses what is not a JSON number, and reports where it stopped', () => {
    for (const s of ['', '-', '+1', '.5', '5.', '01', '00', '1e', '1e+', '1.e5', '0x10', 'NaN', 'Infinity', ' 1', '1 ', '1_000', '--1', '1..2', 'e5']) {
      expect(dec(s), s).to.equal('reject');
      expect(wide(s), s).to.equal('reject');
    }
    const b = Buffer.from('12.5,');
    expect(parseDecimal(b, 0, b.length, out, 0)).to.equal(4); // stops at the comma
    expect(out[0]).to.equal(12.5);
    expect(parseDecimal(b, 0, 3, out, 0)).to.equal(-1 - 3); // "12." then the end: truncated
    const x = Buffer.from('-x');
    expect(parseDecimal(x, 0, 2, out, 0)).to.equal(-1 - 1);
  });

  it('allocates nothing: no GC over 2M parses, Eisel-Lemire fallback included', async () => {
    const inputs = ['25.35190000', '400900217', '0.10035', '1361.44813783', '-4.15775596190603', '123456789012345678901', '1e-300', '0.1e5'].map((s) =>
      Buffer.from(s),
    );
    const run = (n: number) => {
      for (let k = 0; k < n; k++) {
        const b = inputs[k & 7];
        parseDecimal(b, 0, b.length, out, 0);
        const m = scratch.load(b, 0, b.length);
        parseDecimalWide(scratch.u8, scratch.dv, 0, m, out, 0);
      }
    };
    // Warm up on the same inputs until every path is optimised (the fallback's first large shifts deoptimise once).
    run(500_000);
    await new Promise((r) => setTimeout(r, 20));
    let gcs = 0;
    const obs = new PerformanceObserver((list) => {
      gcs += list.getEntries().length;
    });
    obs.observe({ entryTypes: ['gc'] });
    run(1_000_000);
    await new Promise((r) => setTimeout(r, 50));
    obs.disconnect();
    expect(gcs).to.equal(0);
  });
});
