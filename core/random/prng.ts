/**
 * xoshiro128** (Blackman & Vigna): 128-bit state, 32-bit output, period 2^128 - 1.
 * State lives in an Int32Array so that updates stay int32 and never box a
 * heap number: nothing is allocated per draw. Seeded through splitmix32.
 */
export class Prng {
  private readonly s = new Int32Array(4);
  private spareNormal = 0;
  private hasSpare = false;

  constructor(seed: number) {
    let x = seed | 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = z ^ (z >>> 16);
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Next 32 random bits as a signed int32. */
  nextInt32(): number {
    const s = this.s;
    const s1 = s[1];
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    s[2] ^= s[0];
    s[3] ^= s1;
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    const s3 = s[3];
    s[3] = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return (this.nextInt32() >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fills `out` with uniforms in [0, 1): one call per block keeps doubles off call boundaries. */
  fillUniform(out: Float64Array): void {
    for (let i = 0; i < out.length; i++) out[i] = (this.nextInt32() >>> 0) / 4294967296;
  }

  /** Fills `out` with standard normals (Marsaglia polar, both values of each pair used; nothing returned per draw). */
  fillNormal(out: Float64Array): void {
    let i = 0;
    while (i < out.length) {
      const u = (2 * (this.nextInt32() >>> 0)) / 4294967296 - 1;
      const v = (2 * (this.nextInt32() >>> 0)) / 4294967296 - 1;
      const q = u * u + v * v;
      if (q >= 1 || q === 0) continue;
      const f = Math.sqrt((-2 * Math.log(q)) / q);
      out[i++] = u * f;
      if (i < out.length) out[i++] = v * f;
    }
  }

  /** Standard normal (Marsaglia polar method; the second value is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    let u = 0;
    let v = 0;
    let q = 0;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      q = u * u + v * v;
    } while (q >= 1 || q === 0);
    const f = Math.sqrt((-2 * Math.log(q)) / q);
    this.spareNormal = v * f;
    this.hasSpare = true;
    return u * f;
  }
}
