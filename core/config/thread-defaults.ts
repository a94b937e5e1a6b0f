/**
 * How many order sources and risk workers a machine gets by default, and on
 * which cores: main on core 0, sources next, workers after them.
 */

/**
 * Default thread counts for a machine: a source per four spare cores,
 * rounded up (at least 1, at most 4), and the workers on what is left (at
 * most 11, at least 1): 16 cores give main, 4 sources and 11 workers; 12
 * give 3 and 8. Four sources because one decides about 2 M orders/s at most
 * (its generator alone costs 230-360 ns an order), so 11 workers need
 * several. With two cores the source shares core 0 with main, which waits on
 * its event loop; with one, everything shares it.
 */
export function defaultThreads(machineCores: number, sourcesAsked?: number): { sources: number; workers: number } {
  const spare = Math.max(0, machineCores - 1);
  const sources = sourcesAsked ?? Math.max(1, Math.min(4, Math.ceil(spare / 4)));
  const sourcesOnOwnCores = machineCores > 2 ? sources : 0;
  return { sources, workers: Math.max(1, Math.min(11, spare - sourcesOnOwnCores)) };
}

/**
 * Default cores: sources on 1..S (core 0 with main on a 2-core machine),
 * workers on the cores after them, wrapping over the spare cores when there
 * are more threads than cores (said once at start).
 */
export function defaultCores(machineCores: number, sources: number, workers: number): { sourceCores: number[]; workerCores: number[] } {
  if (machineCores <= 1) return { sourceCores: Array(sources).fill(0), workerCores: Array(workers).fill(0) };
  const spare = machineCores - 1;
  const sourcesOwnCores = machineCores > 2;
  const sourceCores = Array.from({ length: sources }, (_, i) => (sourcesOwnCores ? 1 + (i % spare) : 0));
  const first = sourcesOwnCores ? sources : 0;
  const workerCores = Array.from({ length: workers }, (_, w) => 1 + ((first + w) % spare));
  return { sourceCores, workerCores };
}
