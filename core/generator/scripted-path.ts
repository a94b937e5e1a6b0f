/**
 * A scripted market: the mid of every symbol at every step of a precomputed
 * path, which the order generator follows instead of its random walk (crash
 * scenarios, sim/scenarios/). The path is one Float64Array laid out step-major,
 * mids[step * symbols + s], in a SharedArrayBuffer so that every order source
 * reads the same copy. A generator samples it by the time elapsed since the
 * sources' common start: step = floor(elapsed / stepNs), held at the last step
 * once the path has run out. Sampling is an index into a typed array: nothing
 * is allocated on the order path, and the same path and seed give the same
 * orders (ticks land on whichever step is current when they are generated).
 */

export interface ScriptedPath {
  /** mids[step * symbols + s]: the mid of symbol s at that step; finite and > 0. */
  mids: Float64Array;
  /** Columns per step: the engine's symbol count. */
  symbols: number;
  /** Engine nanoseconds per step. */
  stepNs: number;
}

/** Steps in the path. */
export function pathSteps(p: ScriptedPath): number {
  return p.mids.length / p.symbols;
}

/** Throws a RangeError naming what is wrong with `p` for an engine of `symbols` symbols. */
export function checkScriptedPath(p: ScriptedPath, symbols: number): void {
  if (p.symbols !== symbols) throw new RangeError(`scripted path: ${p.symbols} symbols per step, the engine has ${symbols}`);
  if (!(p.stepNs > 0 && Number.isFinite(p.stepNs))) throw new RangeError(`scripted path: stepNs ${p.stepNs} is not a positive duration`);
  if (p.mids.length === 0 || p.mids.length % symbols !== 0) throw new RangeError(`scripted path: ${p.mids.length} mids are not whole steps of ${symbols}`);
  for (let i = 0; i < p.mids.length; i++) {
    const m = p.mids[i];
    if (!(m > 0 && Number.isFinite(m))) throw new RangeError(`scripted path: mid ${m} at step ${Math.floor(i / symbols)}, symbol ${i % symbols} is not a finite price > 0`);
  }
}

/** A copy of `mids` in shared memory (the sources' threads each get a view of the one buffer). */
export function sharedMids(mids: Float64Array): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(mids.byteLength));
  out.set(mids);
  return out;
}
