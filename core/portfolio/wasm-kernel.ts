/**
 * The WebAssembly kernels (source: wasm/correlation.ts, built by `npm run
 * build:wasm` into dist/wasm/) and the choice of kernel for the pool: WASM
 * SIMD where the runtime validates a SIMD module, else the best scalar
 * TypeScript kernel, said once by the caller at start.
 */
import { readFileSync } from 'node:fs';
import { NaiveKernel, ScalarKernel, type CorrelationKernel, type KernelName } from './correlation-kernels.js';

export type WasmBuild = 'simd' | 'scalar';

/** dist/wasm/correlation-<build>.wasm, relative to this file's place in dist/core/portfolio/. */
export function wasmModulePath(build: WasmBuild): URL {
  return new URL(`../../wasm/correlation-${build}.wasm`, import.meta.url);
}

/**
 * The smallest module that uses a SIMD instruction: one function () -> v128 doing
 * i32.const 0; i8x16.splat; i8x16.popcnt (as wasm-feature-detect probes it).
 */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Whether this runtime compiles WebAssembly SIMD (false too where WebAssembly is missing). */
export function wasmSimdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

interface KernelExports {
  memory: WebAssembly.Memory;
  layout(m: number, n: number): number;
  covOffset(): number;
  corrOffset(): number;
  correlate(m: number, n: number): void;
}

export class WasmKernel implements CorrelationKernel {
  readonly name: 'wasm-simd' | 'wasm-scalar';
  private readonly exports: KernelExports;
  private m = 0;
  private n = 0;
  cov = new Float64Array(0);
  corr = new Float64Array(0);

  constructor(build: WasmBuild, bytes: Uint8Array<ArrayBuffer> = readFileSync(wasmModulePath(build))) {
    this.name = build === 'simd' ? 'wasm-simd' : 'wasm-scalar';
    // Synchronous compile: the module is a few kB, and the pool thread does this once.
    this.exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as KernelExports;
  }

  resize(m: number, n: number): Float64Array {
    if (!(Number.isInteger(m) && m >= 1 && Number.isInteger(n) && n >= 2)) throw new RangeError(`kernel needs m >= 1 series of n >= 2 points, got ${m} x ${n}`);
    this.m = m;
    this.n = n;
    const e = this.exports;
    // layout() may grow memory, which detaches every earlier view: all are made anew here.
    const series = e.layout(m, n);
    const buf = e.memory.buffer;
    this.cov = new Float64Array(buf, e.covOffset(), m * m);
    this.corr = new Float64Array(buf, e.corrOffset(), m * m);
    return new Float64Array(buf, series, m * n);
  }

  compute(): void {
    this.exports.correlate(this.m, this.n);
  }
}

/** The pool's kernel: WASM SIMD when `simd()` says the runtime has it, else the scalar TypeScript one. */
export function bestKernelName(simd: () => boolean = wasmSimdSupported): 'wasm-simd' | 'ts-scalar' {
  return simd() ? 'wasm-simd' : 'ts-scalar';
}

export function createKernel(name: KernelName): CorrelationKernel {
  switch (name) {
    case 'wasm-simd':
      return new WasmKernel('simd');
    case 'wasm-scalar':
      return new WasmKernel('scalar');
    case 'ts-scalar':
      return new ScalarKernel();
    case 'ts-naive':
      return new NaiveKernel();
  }
}
