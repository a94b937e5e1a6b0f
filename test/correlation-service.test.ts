/**
 * The correlation service end to end on its real pool thread: returns written
 * as a worker would, one round, the published matrix equal to the naive
 * Pearson of the same returns; the scalar fallback said once when the runtime
 * (here: an injected detector) has no WASM SIMD; bad options refused by name.
 */
import { expect } from 'chai';
import pino from 'pino';
import { SimScheduler } from '../core/clock/scheduler.js';
import { NaiveKernel } from '../core/portfolio/correlation-kernels.js';
import { Prng } from '../core/random/prng.js';
import { correlationOptionsSchema } from '../core/portfolio/correlation-options.js';
import { CorrelationService, createCorrelationBuffers } from '../engine/portfolio/correlation-service.js';
import { CovarianceView } from '../ipc/covariance-layout.js';
import { ReturnsWriter, SAMPLE_MID, SAMPLE_NOW_NS } from '../ipc/returns-window-layout.js';

const SYMBOLS = 3;
const WINDOW = 32;

function capturingLogger(lines: string[]): pino.Logger {
  return pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
}

describe('correlation service', () => {
  it('without WASM SIMD says so once, computes on the scalar TypeScript kernel and publishes the right matrix', async function () {
    this.timeout(10_000);
    const lines: string[] = [];
    const options = correlationOptionsSchema.parse({ window: WINDOW, sampleMs: 1, minPoints: 8 });
    const service = new CorrelationService(options, {
      ...createCorrelationBuffers(SYMBOLS, options),
      logger: capturingLogger(lines),
      engineCores: [0, 1],
      cores: 2,
      scheduler: new SimScheduler(),
      simd: () => false,
    });
    try {
      const init = await service.start();
      expect(init.kernel).to.equal('ts-scalar');
      expect(init.placement).to.include({ mode: 'nice', nice: 19 }); // both cores are the engine's
      expect(lines.filter((l) => l.includes('no WebAssembly SIMD'))).to.have.length(1);

      // Mids on slots 0..40 (one per ms); the window keeps the last 32 returns.
      const writer = new ReturnsWriter(service.returns);
      const at = new Float64Array(2);
      const rnd = new Prng(5);
      const mids = [100, 2000, 30];
      const returns: number[][] = [[], [], []];
      for (let slot = 0; slot <= 40; slot++) {
        const common = rnd.next() - 0.5;
        for (let s = 0; s < SYMBOLS; s++) {
          const next = mids[s] * Math.exp(0.01 * ((s - 1) * common + rnd.next() - 0.5));
          if (slot > 0) returns[s].push(Math.log(next / mids[s]));
          mids[s] = next;
          at[SAMPLE_MID] = mids[s];
          at[SAMPLE_NOW_NS] = slot * 1e6;
          writer.sample(s, at);
        }
      }
      const round = await service.recompute();
      expect(round).to.include({ outcome: 'published', version: 1, points: WINDOW });

      const naive = new NaiveKernel();
      const input = naive.resize(SYMBOLS, WINDOW);
      for (let s = 0; s < SYMBOLS; s++) input.set(returns[s].slice(-WINDOW), s * WINDOW);
      naive.compute();
      const view = new CovarianceView(service.covariance);
      const corr = new Float64Array(SYMBOLS * SYMBOLS);
      const cov = new Float64Array(SYMBOLS * SYMBOLS);
      expect(view.readCorrelation(corr)).to.equal(1);
      expect(view.readCovariance(cov)).to.equal(1);
      for (let k = 0; k < corr.length; k++) {
        expect(corr[k]).to.be.closeTo(naive.corr[k], 1e-12);
        expect(cov[k]).to.be.closeTo(naive.cov[k], 1e-15);
      }
      expect(service.stats()).to.include({ kernel: 'ts-scalar', rounds: 1, published: 1, failed: 0 });
    } finally {
      await service.stop();
    }
  });

  it('refuses a bad option by name', () => {
    const deps = { ...createCorrelationBuffers(2, correlationOptionsSchema.parse({})), logger: capturingLogger([]), engineCores: [0] };
    expect(() => new CorrelationService({ window: 1 }, deps)).to.throw(/window/);
    expect(() => new CorrelationService({ window: 10, minPoints: 20 }, deps)).to.throw(/minPoints/);
    expect(() => new CorrelationService({ window: 500 }, deps)).to.throw(/do not match/);
  });
});
