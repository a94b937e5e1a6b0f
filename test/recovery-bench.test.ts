/**
 * The recovery bench's scenario (perf/recovery-bench.ts) at a tiny size, so CI
 * catches a regression in the way back from an outage: the gateway over
 * MemoryLink and the network model against the exchange simulator, on
 * simulated time. No timing threshold: only that every recovery was measured
 * and that the books reconcile with the venue's, order by order.
 */
import { expect } from 'chai';
import { recoveryFailures, runRecovery } from '../perf/recovery-bench.js';

describe('recovery bench scenario (tiny)', () => {
  for (const key of ['ed25519', 'hmac'] as const) {
    it(`${key}: 5 outages and a degraded window on a Poor network: every recovery measured, reconciled clean`, () => {
      const r = runRecovery({ outages: 5, profile: 'poor', intervalMs: 250, key, seed: 3 });
      expect(recoveryFailures(r), recoveryFailures(r).join('\n')).to.deep.equal([]);
      expect(r.outages).to.equal(5);
      expect(r.degradedWindows).to.equal(1);
      expect(r.recoveries).to.have.length(5);
      for (const ms of r.recoveries) expect(ms).to.be.greaterThan(0);
      expect(r.report.ok).to.equal(true);
      expect(r.report.matched).to.be.greaterThan(20);
      expect(r.stats.reconnects).to.be.at.least(5);
      expect(r.openAtEnd).to.equal(0);
    });
  }
});
