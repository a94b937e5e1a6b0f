/**
 * A worker pins its own thread: its Cpus_allowed_list, read back from /proc for
 * its kernel thread id, equals the core it was given.
 */
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { allowedCpus, machineCores, pinThreadToCore } from '../core/affinity/cpu-affinity.js';

describe('thread pinning', () => {
  it('pins a worker thread to the last core and /proc agrees', async function () {
    const { result: r, end } = await pinThreadToCoreInWorker(machineCores() - 1);
    try {
      if (!r.ok && /not permitted|no sched_setaffinity|libc/.test(r.reason ?? '')) this.skip(); // affinity cannot be set here
      expect(r.ok, r.reason).to.equal(true);
      expect(r.allowed).to.equal(String(machineCores() - 1));
      // Read /proc while the thread is alive, then let it go.
      expect(allowedCpus(r.tid)).to.equal(String(machineCores() - 1));
    } finally {
      await end();
    }
  });

  it('reports a refused pin instead of throwing', () => {
    const r = pinThreadToCore(4000);
    expect(r.ok).to.equal(false);
    expect(r.reason).to.be.a('string');
  });
});

/** Pins a worker's thread and keeps the thread alive (its /proc entry readable) until `end()`. */
function pinThreadToCoreInWorker(core: number): Promise<{ result: { ok: boolean; tid: number; allowed: string; reason?: string }; end: () => Promise<number> }> {
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.mod).then((m) => parentPort.postMessage(m.pinThreadToCore(workerData.core)));
    setTimeout(() => {}, 60000);
  `;
  const w = new Worker(src, { eval: true, workerData: { core, mod: new URL('../core/affinity/cpu-affinity.js', import.meta.url).href } });
  return new Promise((resolve, reject) => {
    w.once('message', (result) => resolve({ result, end: () => w.terminate() }));
    w.once('error', (e) => {
      reject(e);
      void w.terminate();
    });
  });
}
