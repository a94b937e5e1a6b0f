/**
 * correlation: the portfolio correlation kernels at the reference report's
 * sizes (single correlation of 1000 points: two series; 10x10 and 50x50
 * matrices of 1000 points), each as
 *   ts-naive     Pearson per pair from the raw series (every one of the M*M pairs)
 *   ts-scalar    the best scalar TypeScript: standardise once, unrolled dot products
 *   wasm-scalar  the AssemblyScript kernel built without SIMD
 *   wasm-simd    the same source with --enable simd: f64x2 dot products
 * in the same run, on this thread (one core). Each figure: µs per call (covariance and
 * correlation both), median and p99 over --samples samples of enough calls to last about
 * 2 ms each, after warm-up; the note gives the fastest sample (on a shared machine, what the
 * kernel does when nothing else takes the core). Targets (issue 11): 50x50x1000 at most 250 µs with SIMD, and
 * SIMD at least 2x the best scalar. The reference report claims 24.3 ms (AVX2) and 78.4 ms
 * (scalar) for 50x50, 1.1 / 3.2 ms for 10x10, 297 / 892 ns for a single correlation.
 * Then the f64x2 instructions in each built module are counted (binaryen's disassembly),
 * as the reference report checked its binary with objdump.
 * With --e2e (off by default: about a minute): the engine's paced p99 with and without the
 * pool (perf/correlation-e2e.ts; --e2e-rate 100000, --e2e-seconds 10, --e2e-pairs 2).
 */
import binaryen from 'binaryen';
import { readFileSync } from 'node:fs';
import type { CorrelationKernel, KernelName } from '../core/portfolio/correlation-kernels.js';
import { createKernel, wasmModulePath, wasmSimdSupported, type WasmBuild } from '../core/portfolio/wasm-kernel.js';
import { Prng } from '../core/random/prng.js';
import { poolInterference } from './correlation-e2e.js';
import { machineInfo, median, percentile, timeRatio, type BenchReport, type BenchResult } from './bench-report.js';

const KERNELS: readonly KernelName[] = ['ts-naive', 'ts-scalar', 'wasm-scalar', 'wasm-simd'];
const SIZES = [
  { label: 'single 1000', m: 2, n: 1000 },
  { label: '10x10x1000', m: 10, n: 1000 },
  { label: '50x50x1000', m: 50, n: 1000 },
] as const;
const TARGET_US = 250;

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

/** Log-return-like series: a common factor and noise, seeded. */
function series(m: number, n: number): Float64Array {
  const rnd = new Prng(42);
  const x = new Float64Array(m * n);
  for (let k = 0; k < n; k++) {
    const common = rnd.next() - 0.5;
    for (let i = 0; i < m; i++) x[i * n + k] = 0.01 * ((i % 3) * common + rnd.next() - 0.5);
  }
  return x;
}

/** µs per compute() over `samples` samples of `calls` calls each. */
function sampleUs(kernel: CorrelationKernel, samples: number, calls: number): number[] {
  const out: number[] = [];
  let sink = 0;
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let c = 0; c < calls; c++) kernel.compute();
    out.push(((performance.now() - t0) * 1e3) / calls);
    sink += kernel.corr[1];
  }
  if (sink === -1) process.stderr.write('');
  return out;
}

/** Calls per sample so that one lasts about 2 ms (measured on a warm kernel). */
function callsFor(kernel: CorrelationKernel): number {
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < 5) {
    kernel.compute();
    calls++;
  }
  return Math.max(1, Math.round((calls * 2) / 5));
}

/** f64x2 instructions (and every other SIMD one) in a built module, from binaryen's disassembly. */
function countSimd(build: WasmBuild): { f64x2: number; v128: number; ops: string } {
  const module = binaryen.readBinary(readFileSync(wasmModulePath(build)));
  const text = module.emitText();
  module.dispose();
  const f64x2 = text.match(/\(f64x2\.[a-z_]+/g) ?? [];
  const v128 = text.match(/\((?:v128|[if](?:8x16|16x8|32x4|64x2))\.[a-z_]+/g) ?? [];
  const byOp = new Map<string, number>();
  for (const op of f64x2) byOp.set(op.slice(1), (byOp.get(op.slice(1)) ?? 0) + 1);
  return { f64x2: f64x2.length, v128: v128.length, ops: [...byOp].map(([op, n]) => `${op} ${n}`).join(', ') };
}

export async function run(args: string[]): Promise<BenchReport> {
  const samples = arg(args, 'samples', 41);
  if (!wasmSimdSupported()) process.stderr.write('correlation bench: no WebAssembly SIMD in this runtime; wasm-simd will fail to load\n');
  const results: BenchResult[] = [];
  const ratios: Record<string, number> = {};
  for (const size of SIZES) {
    const medians = new Map<KernelName, number>();
    for (const name of KERNELS) {
      const kernel = createKernel(name);
      kernel.resize(size.m, size.n).set(series(size.m, size.n));
      callsFor(kernel); // warm-up: JIT tiers, WASM tier-up
      const us = sampleUs(kernel, samples, callsFor(kernel));
      medians.set(name, median(us));
      results.push({ name: `${size.label} ${name}`, unit: 'µs', median: median(us), p99: percentile(us, 99), runs: us.length, note: `min ${Math.min(...us).toPrecision(3)}` });
    }
    const simd = medians.get('wasm-simd') ?? NaN;
    const key = size.label.split(' ')[0].replace('x1000', '');
    ratios[`${key}_simd_vs_ts_naive`] = timeRatio(simd, medians.get('ts-naive') ?? NaN);
    ratios[`${key}_simd_vs_ts_scalar`] = timeRatio(simd, medians.get('ts-scalar') ?? NaN);
    ratios[`${key}_simd_vs_wasm_scalar`] = timeRatio(simd, medians.get('wasm-scalar') ?? NaN);
  }
  const big = results.find((r) => r.name === '50x50x1000 wasm-simd');
  if (big) big.note = `${big.note ?? ''}; target <= ${TARGET_US} µs: ${big.median <= TARGET_US ? 'met' : 'missed'}; SIMD >= 2x ts-scalar: ${ratios['50x50_simd_vs_ts_scalar'] >= 2 ? 'met' : 'missed'}`;
  for (const build of ['simd', 'scalar'] as const) {
    const c = countSimd(build);
    results.push({ name: `f64x2 instructions in correlation-${build}.wasm`, unit: 'count', median: c.f64x2, runs: 1, note: `${c.v128} SIMD in all${c.ops ? `: ${c.ops}` : ''}` });
  }
  if (args.includes('--e2e')) {
    const e2e = await poolInterference(arg(args, 'e2e-rate', 100_000), arg(args, 'e2e-seconds', 10), arg(args, 'e2e-pairs', 2));
    results.push(...e2e.results);
    ratios.e2e_p99_on_over_off = Number(e2e.ratio.toPrecision(3));
  }
  return { suite: 'correlation', machine: machineInfo(), results, ratios };
}
