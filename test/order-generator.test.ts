import { expect } from 'chai';
import { FRAME_BYTES, Frame, FrameKind, MarketTick, NewOrder } from '../ipc/frame-layout.js';
import { OrderGenerator } from '../core/generator/order-generator.js';
import { RateSchedule } from '../core/generator/rate-schedule.js';
import { buildUniverse } from '../core/instruments/universe.js';
import { Prng } from '../core/random/prng.js';

function stream(seed: number, n: number, badFraction = 0.01): Float64Array {
  const universe = buildUniverse(16, seed);
  const gen = new OrderGenerator(universe, { seed, badFraction, ticksPerOrder: 0.25, marketFraction: 0.2 });
  const buf = new ArrayBuffer(FRAME_BYTES * n);
  const i32 = new Int32Array(buf);
  const f64 = new Float64Array(buf);
  for (let k = 0; k < n; k++) {
    gen.prepare();
    gen.write(i32, f64, k * 16, k);
  }
  return f64;
}

describe('order generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(Buffer.from(stream(5, 5000).buffer).equals(Buffer.from(stream(5, 5000).buffer))).to.equal(true);
    expect(Buffer.from(stream(5, 5000).buffer).equals(Buffer.from(stream(6, 5000).buffer))).to.equal(false);
  });

  it('starts with a tick for every tradable symbol, then mixes ticks and orders at the ratio asked', () => {
    const universe = buildUniverse(16, 1);
    const gen = new OrderGenerator(universe, { seed: 1, badFraction: 0, ticksPerOrder: 0.25, marketFraction: 0.2 });
    const firstTicks = new Set<number>();
    for (let k = 0; k < 14; k++) {
      gen.prepare();
      expect(gen.kind).to.equal(FrameKind.MarketTick);
      firstTicks.add(gen.symbol);
    }
    expect(firstTicks.size).to.equal(14); // 16 less the silent and halted symbols
    let ticks = 0;
    let orders = 0;
    for (let k = 0; k < 100_000; k++) {
      gen.prepare();
      if (gen.kind === FrameKind.MarketTick) ticks++;
      else orders++;
    }
    expect(ticks / orders).to.be.within(0.23, 0.27);
  });

  it('keeps good orders on the tick and lot grid, near the market, with bids below asks', () => {
    const universe = buildUniverse(16, 2);
    const gen = new OrderGenerator(universe, { seed: 2, badFraction: 0, ticksPerOrder: 1, marketFraction: 0 });
    const buf = new ArrayBuffer(FRAME_BYTES);
    const i32 = new Int32Array(buf);
    const f64 = new Float64Array(buf);
    for (let k = 0; k < 50_000; k++) {
      gen.prepare();
      gen.write(i32, f64, 0, 0);
      const ins = universe[i32[Frame.symbol]];
      if (i32[Frame.kind] === FrameKind.MarketTick) {
        expect(f64[MarketTick.bid]).to.be.lessThan(f64[MarketTick.ask]);
        continue;
      }
      const ticks = f64[NewOrder.price] / ins.tickSize;
      expect(Math.abs(ticks - Math.round(ticks))).to.be.lessThan(1e-6);
      const lots = f64[NewOrder.quantity] / ins.lotStep;
      expect(Math.abs(lots - Math.round(lots))).to.be.lessThan(1e-6);
      expect(f64[NewOrder.quantity]).to.be.at.least(ins.minQty);
      expect(f64[NewOrder.price] * f64[NewOrder.quantity]).to.be.at.most(ins.maxNotional);
    }
  });

  it('paces orders at the rate, with bursts at the end of each period', () => {
    const s = new RateSchedule(1000, 0, { factor: 10, burstSeconds: 1, periodSeconds: 4 });
    const due = new Float64Array([0]);
    let n = 0;
    while (due[0] < 8e9) {
      s.advance(due, 0);
      n++;
    }
    // 2 periods: 3 s at 1000/s + 1 s at 10000/s each
    expect(n).to.be.within(25_900, 26_100);
    const flat = new RateSchedule(200, 0);
    flat.advance(due.fill(0), 0);
    expect(due[0]).to.equal(5e6);
  });

  it('draws uniforms in [0, 1) and normals with mean 0, variance 1', () => {
    const r = new Prng(9);
    const u = new Float64Array(100_000);
    const z = new Float64Array(100_000);
    r.fillUniform(u);
    r.fillNormal(z);
    expect(Math.min(...u)).to.be.at.least(0);
    expect(Math.max(...u)).to.be.lessThan(1);
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
    expect(mean).to.be.within(-0.02, 0.02);
    expect(variance).to.be.within(0.97, 1.03);
  });

  it('draws normals that follow the standard normal CDF, tails included', () => {
    const z = new Float64Array(2_000_000);
    new Prng(11).fillNormal(z);
    // Phi(x) for x <= 0; the upper side by symmetry. Far tails included: a sampler can go wrong there and nowhere else.
    const phi: Array<[number, number]> = [[-4, 3.167e-5], [-3, 1.3499e-3], [-2, 0.02275], [-1, 0.158655], [-0.5, 0.308538], [0, 0.5]];
    for (const [x, p] of phi) {
      let below = 0;
      let above = 0;
      for (let i = 0; i < z.length; i++) {
        if (z[i] < x) below++;
        if (z[i] > -x) above++;
      }
      // Five binomial standard deviations.
      const tol = 5 * Math.sqrt(z.length * p * (1 - p));
      expect(Math.abs(below - z.length * p), `P(z < ${x})`).to.be.below(tol);
      expect(Math.abs(above - z.length * p), `P(z > ${-x})`).to.be.below(tol);
    }
  });
});
