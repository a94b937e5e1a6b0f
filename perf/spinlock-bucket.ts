/**
 * Baseline for the limiter benches: a token bucket shared through a
 * SharedArrayBuffer but guarded by a spin lock (CAS 0 -> 1, plain reads and
 * writes inside, store 0), the way a lock-based limiter would share one.
 *   i32[0] lock  i32[32..]: f64[16] tokens, f64[17] last refill (ns), f64[18] rate per ns, f64[19] burst
 */
export const SPINLOCK_BUCKET_BYTES = 256;

export function createSpinlockBucket(ratePerSec: number, burst: number, nowNs: number): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(SPINLOCK_BUCKET_BYTES);
  const f64 = new Float64Array(sab);
  f64[16] = burst;
  f64[17] = nowNs;
  f64[18] = ratePerSec / 1e9;
  f64[19] = burst;
  return sab;
}

export class SpinlockBucket {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;

  constructor(sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab);
    this.f64 = new Float64Array(sab);
  }

  tryAcquire(cost: number, nowNs: number): boolean {
    const i32 = this.i32;
    while (Atomics.compareExchange(i32, 0, 0, 1) !== 0);
    const f = this.f64;
    const elapsed = nowNs - f[17];
    let tokens = f[16];
    if (elapsed > 0) {
      tokens = Math.min(f[19], tokens + elapsed * f[18]);
      f[17] = nowNs;
    }
    const ok = tokens >= cost;
    f[16] = ok ? tokens - cost : tokens;
    Atomics.store(i32, 0, 0);
    return ok;
  }
}

/** The common single-threaded npm-style bucket: plain fields, refilled on each call. */
export class LocalBucket {
  private tokens: number;
  private last: number;
  private readonly perNs: number;

  constructor(
    ratePerSec: number,
    private readonly burst: number,
    nowNs: number,
  ) {
    this.tokens = burst;
    this.last = nowNs;
    this.perNs = ratePerSec / 1e9;
  }

  tryAcquire(cost: number, nowNs: number): boolean {
    const elapsed = nowNs - this.last;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + elapsed * this.perNs);
      this.last = nowNs;
    }
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}
