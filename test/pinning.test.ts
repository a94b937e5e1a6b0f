/**
 * A worker pins its own thread: its Cpus_allowed_list, read back from /proc for
 * its kernel thread id, equals the core it was given.
 */
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { allowedCpus, machineCores, pinThreadToCore } from '../core/affinity/cpu-affinity.js';

describe('thread pinning', () => {
  it('pins a worker thread to the last core and /proc agrees', async function () {
    const probe = pinThreadToCoreInWorker(machineCores() - 1);
    const r = await probe;
    if (!r.ok && /not permitted|no sched_setaffinity|libc/.test(r.reason ?? '')) this.skip(); // affinity cannot be set here
    expect(r.ok, r.reason).to.equal(true);
    expect(r.allowed).to.equal(String(machineCores() - 1));
    expect(allowedCpus(r.tid)).to.equal(String(machineCores() - 1));
  });

  it('reports a refused pin instead of throwing', () => {
    const r = pinThreadToCore(4000);
    expect(r.ok).to.equal(false);
    expect(r.reason).to.be.a('string');
  });
});

function pinThreadToCoreInWorker(core: number): Promise<{ ok: boolean; tid: number; allowed: string; reason?: string }> {
  const src = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.mod).then((m) => parentPort.postMessage(m.pinThreadToCore(workerData.core)));
    setTimeout(() => {}, 1000);
  `;
  const w = new Worker(src, { eval: true, workerData: { core, mod: new URL('../core/affinity/cpu-affinity.js', import.meta.url).href } });
  return new Promise((resolve, reject) => {
    w.once('message', (m) => {
      // Read /proc while the thread is alive, then let it go.
      resolve(m);
      setTimeout(() => void w.terminate(), 50);
    });
    w.once('error', reject);
  });
}
