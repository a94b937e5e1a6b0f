/**
 * The published matrices (ipc/covariance-layout.ts): a reader gets the newest
 * whole publication or -1, never a mix of two, while a real publisher thread
 * rewrites the buffers as fast as it can.
 */
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { CovariancePublisher, CovarianceView, createCovarianceMatrix } from '../ipc/covariance-layout.js';

describe('covariance matrix seqlock', () => {
  it('answers -1 before the first publication, then the newest version and its matrices', () => {
    const sab = createCovarianceMatrix({ symbols: 2, sampleMs: 100, window: 1000 });
    const view = new CovarianceView(sab);
    const out = new Float64Array(4);
    expect(view.version()).to.equal(0);
    expect(view.readCovariance(out)).to.equal(-1);
    const pub = new CovariancePublisher(sab);
    pub.publish(Float64Array.of(1, 2, 2, 5), Float64Array.of(1, 0.5, 0.5, 1), 30, 7);
    expect(pub.publish(Float64Array.of(4, 1, 1, 9), Float64Array.of(1, 0.25, 0.25, 1), 40, 8)).to.equal(2);
    expect(view.readCovariance(out)).to.equal(2);
    expect(Array.from(out)).to.deep.equal([4, 1, 1, 9]);
    expect(view.readCorrelation(out)).to.equal(2);
    expect(Array.from(out)).to.deep.equal([1, 0.25, 0.25, 1]);
    expect(view.info()).to.deep.equal({ version: 2, points: 40, computedNs: 8 });
  });

  it('answers -1 when the publisher came round to the same buffer during the copy', () => {
    const sab = createCovarianceMatrix({ symbols: 1, sampleMs: 1, window: 2 });
    const pub = new CovariancePublisher(sab);
    pub.publish(Float64Array.of(1), Float64Array.of(1), 2, 0);
    // A reader preempted mid-copy, as the publisher writes versions 2 and 3 (buffer 1 again):
    // the copy into this array happens after both, and must be refused.
    class Preempted extends Float64Array {
      override set(src: ArrayLike<number>, offset?: number): void {
        pub.publish(Float64Array.of(2), Float64Array.of(1), 2, 0);
        pub.publish(Float64Array.of(3), Float64Array.of(1), 2, 0);
        super.set(src, offset);
      }
    }
    expect(new CovarianceView(sab).readCovariance(new Preempted(1))).to.equal(-1);
  });

  it('never lets a reader see a torn matrix while a publisher thread rewrites it', async function () {
    this.timeout(30_000);
    const symbols = 24;
    const matrix = createCovarianceMatrix({ symbols, sampleMs: 1, window: 2 });
    const stop = new SharedArrayBuffer(4);
    const worker = new Worker(new URL('./fixtures/covariance-writer.js', import.meta.url), { workerData: { matrix, stop } });
    const published = new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', resolve);
    });
    const view = new CovarianceView(matrix);
    const cov = new Float64Array(symbols * symbols);
    const corr = new Float64Array(symbols * symbols);
    let reads = 0;
    let wrong = 0;
    let last = 0;
    const start = Date.now();
    // Until 400 whole reads while the publisher lapped both buffers 1000 times: counts, not a time, so a
    // loaded machine only makes it slower (15 s at most).
    for (let n = 1; (reads < 400 || view.version() <= 1000) && Date.now() - start < 15_000; n++) {
      const v = n & 1 ? view.readCovariance(cov) : view.readCorrelation(corr);
      if (v > 0) {
        reads++;
        if (v < last) wrong++; // versions only move forward
        last = v;
        const m = n & 1 ? cov : corr;
        const expected = n & 1 ? v : -v;
        for (let k = 0; k < m.length; k++) if (m[k] !== expected) wrong++;
      }
      if (n % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    Atomics.store(new Int32Array(stop), 0, 1);
    const total = await published;
    await worker.terminate();
    expect(reads).to.be.at.least(400);
    expect(total).to.be.greaterThan(1000); // the publisher lapped both buffers many times meanwhile
    expect(wrong).to.equal(0);
  });
});
