/**
 * The crash scenarios' price paths (sim/scenarios/): every leg ends at its
 * tabled level, a seed gives one path, the coins' returns correlate at the
 * event's calm and peak levels, and the order generator's ticks follow a
 * scripted path by elapsed time.
 */
import { expect } from 'chai';
import { FRAME_BYTES, Frame, FrameKind, MarketTick } from '../ipc/frame-layout.js';
import { OrderGenerator } from '../core/generator/order-generator.js';
import { checkScriptedPath } from '../core/generator/scripted-path.js';
import { CRASH_EVENTS, SCENARIO_NAMES } from '../sim/scenarios/events.js';
import { RAMP_STEPS, buildScenarioPath } from '../sim/scenarios/price-path.js';
import { meanOffDiagonalCorrelation } from '../sim/scenarios/path-correlation.js';
import { buildScenario } from '../sim/scenarios/scenario-market.js';

describe('scenario price paths', () => {
  it('reach every leg of every event at its tabled level, and start at the tabled prices', () => {
    for (const name of SCENARIO_NAMES) {
      const p = buildScenarioPath(name, 1);
      const n = p.coins.length;
      p.coins.forEach((c, i) => {
        expect(p.mids[p.eventStep * n + i] / p.start[i], `${name} ${c} at the event's start`).to.be.closeTo(1, 1e-9);
        CRASH_EVENTS[name].legs.forEach((leg, j) => {
          expect(p.mids[p.legEnds[j] * n + i] / p.start[i] - 1, `${name} ${c} leg ${j + 1}`).to.be.closeTo(leg.at[c], 1e-6);
        });
      });
    }
  });

  it('is the same path for a seed and another for another seed', () => {
    const a = buildScenarioPath('covid-2020', 7).mids;
    expect(Buffer.from(a.buffer).equals(Buffer.from(buildScenarioPath('covid-2020', 7).mids.buffer))).to.equal(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(buildScenarioPath('covid-2020', 8).mids.buffer))).to.equal(false);
  });

  it("correlates the coins' returns near the calm level before the event and near the peak within a leg", () => {
    for (const name of SCENARIO_NAMES) {
      const ev = CRASH_EVENTS[name];
      const p = buildScenarioPath(name, 3);
      expect(meanOffDiagonalCorrelation(p, p.eventStep, p.eventStep - 1), `${name} before`).to.be.closeTo(ev.calmCorrelation, 0.1);
      // The longest stretch of one leg after the ramp: a window spanning legs would mix their drifts in.
      const bounds = [p.eventStep, ...p.legEnds];
      let best = { end: 0, len: 0 };
      for (let j = 1; j < bounds.length; j++) {
        const from = Math.max(bounds[j - 1] + 1, p.eventStep + RAMP_STEPS);
        if (bounds[j] - from + 1 > best.len) best = { end: bounds[j], len: bounds[j] - from + 1 };
      }
      expect(meanOffDiagonalCorrelation(p, best.end, best.len), `${name} in a leg`).to.be.closeTo(ev.peakCorrelation, 0.1);
    }
  });
});

describe('scripted path in the order generator', () => {
  it('ticks at the path mid of the step the elapsed time falls in, held at the last step', () => {
    const { market } = buildScenario('oct-2025', 1);
    checkScriptedPath(market.path, market.instruments.length);
    const clock = new Float64Array(1);
    const gen = new OrderGenerator(market.instruments, { seed: 1, badFraction: 0, ticksPerOrder: 1, marketFraction: 0, path: market.path, clock });
    gen.begin(1e9);
    const i32 = new Int32Array(FRAME_BYTES / 4);
    const f64 = new Float64Array(FRAME_BYTES / 8);
    const w = market.path.symbols;
    const steps = market.path.mids.length / w;
    for (const step of [0, 1500, 2300, steps - 1, steps + 5000]) {
      clock[0] = 1e9 + step * market.path.stepNs + 1;
      let ticks = 0;
      for (let k = 0; k < 200 && ticks < 20; k++) {
        gen.prepare();
        gen.write(i32, f64, 0, k);
        if (i32[Frame.kind] !== FrameKind.MarketTick) continue;
        ticks++;
        const s = i32[Frame.symbol];
        const mid = market.path.mids[Math.min(step, steps - 1) * w + s];
        const tick = market.instruments[s].tickSize;
        expect(f64[MarketTick.bid], `bid of ${s} at step ${step}`).to.be.within(mid - 4 * tick, mid);
        expect(f64[MarketTick.ask], `ask of ${s} at step ${step}`).to.be.within(mid, mid + 4 * tick);
      }
      expect(ticks).to.be.greaterThan(0);
    }
  });

  it('refuses a path that does not fit the engine', () => {
    const { market } = buildScenario('covid-2020', 1);
    expect(() => checkScriptedPath(market.path, market.instruments.length + 1)).to.throw(/symbols per step/);
    const bad = { ...market.path, mids: market.path.mids.slice() };
    bad.mids[7] = NaN;
    expect(() => checkScriptedPath(bad, market.instruments.length)).to.throw(/not a finite price/);
  });
});
