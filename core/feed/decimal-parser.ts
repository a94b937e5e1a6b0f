/**
 * JSON number bytes -> double, correctly rounded: the result is bit-for-bit
 * what Number() and JSON.parse give for the same text, for every JSON number
 * (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), however long.
 *
 * Fast path (Clinger 1990): the digits, read as an integer, are exact in a
 * double when below 2^53, and so are 10^0..10^22; one multiplication or
 * division of two exact doubles is correctly rounded by IEEE 754. That covers
 * every price and size the venues send (at most 15-16 significant digits).
 * parseDecimalWide reads the digits 4 at a time (SWAR) from a MessageScratch.
 *
 * Fallback, as Go's strconv.ParseFloat does it: Eisel-Lemire (one 64x128-bit
 * product with a table of 10^q, about a microsecond here) for up to 19
 * significant digits and any exponent, then, for the cases it leaves open
 * (subnormal results, an exact tie it cannot see past, longer mantissas
 * whose 19-digit bounds disagree), Go's big-decimal algorithm (decimal.go):
 * up to 800 digits in a preallocated array, scaled by powers of two, 53
 * bits taken with round-half-even. That last one is exact for any input but
 * costs tens of microseconds for results near the subnormal range; in feed
 * messages it only ever meets garbage.
 *
 * Nothing here allocates: doubles never cross a function boundary as return
 * values or arguments (a non-inlined call would box them), results go to a
 * caller's Float64Array, intermediate values live in typed arrays, and no
 * -0 is ever made from an integer. (The one exception measured: the
 * big-decimal path for subnormal results boxes a few numbers per call.)
 */

const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const LOWER_E = 0x65;

const POW10 = new Float64Array([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
]);
const TWO53 = 9007199254740992;
const TWO52 = 4503599627370496;
const TWO32 = 4294967296;
/** Exponent digits beyond this stop accumulating: no message is long enough for leading zeros to offset it. */
const EXP_CLAMP = 100_000_000;

/** The integer value of the digits, handed to scale() without boxing a double. */
const MANT = new Float64Array(1);
/** Float64 zero: loop accumulators start from it so that TurboFan keeps them as unboxed doubles. */
const F64_ZERO = new Float64Array(1);

/**
 * Writes MANT[0] x 10^e to out[outIndex], correctly rounded, or hands the
 * digits b[digitsStart..mantEnd) with exponent `exp` to the fallback.
 * Each digit step only grows MANT, so a value below 2^53 means every step was exact.
 */
function scale(
  b: Uint8Array,
  digitsStart: number,
  mantEnd: number,
  e: number,
  exp: number,
  neg: boolean,
  out: Float64Array,
  outIndex: number,
): void {
  const mant = MANT[0];
  let v = 0;
  if (mant === 0) {
    v = 0;
  } else if (mant >= TWO53) {
    slowDecimal(b, digitsStart, mantEnd, exp, neg, out, outIndex);
    return;
  } else if (e === 0) {
    v = mant;
  } else if (e > 0) {
    if (e <= 22) {
      v = mant * POW10[e];
    } else {
      // 123e30 = (123e8, exact while below 2^53) * 1e22.
      const m2 = e <= 44 ? mant * POW10[e - 22] : TWO53;
      if (m2 >= TWO53) {
        slowDecimal(b, digitsStart, mantEnd, exp, neg, out, outIndex);
        return;
      }
      v = m2 * 1e22;
    }
  } else if (e >= -22) {
    v = mant / POW10[0 - e];
  } else {
    slowDecimal(b, digitsStart, mantEnd, exp, neg, out, outIndex);
    return;
  }
  out[outIndex] = neg ? -v : v;
}

/**
 * Per byte of the little-endian word w: zero when the byte is an ASCII digit.
 * (A carry out of a byte >= 0xFA can only disturb bytes after it, which
 * are past the first non-digit anyway.)
 */
function nonDigits(w: number): number {
  return ((w & 0xf0f0f0f0) ^ 0x30303030) | (((w + 0x06060606) & 0xf0f0f0f0) ^ 0x30303030);
}

/** The value of 4 ASCII digits in w, first digit in the low byte. */
function fourDigitValue(w: number): number {
  w -= 0x30303030;
  w = (Math.imul(w, 10) + (w >>> 8)) & 0x00ff00ff;
  return (Math.imul(w, 100) + (w >>> 16)) & 0xffff;
}

/** '0' bytes that fill the low bytes of a word whose first k digits were shifted to the top. */
const ZERO_PAD = Int32Array.of(0, 0x00303030, 0x00003030, 0x00000030);

/** Digits consumed by the last byteRun(). */
let runLength = 0;

/** Reads the run of ASCII digits at b[i] into MANT[0] (MANT[0] * 10^n + run), stopping at `end`; runLength = its length. */
function byteRun(b: Uint8Array, i: number, end: number): number {
  const start = i;
  let mant = MANT[0];
  while (i < end) {
    const d = b[i] - ZERO;
    if (d < 0 || d > 9) break;
    mant = mant * 10 + d;
    i++;
  }
  MANT[0] = mant;
  runLength = i - start;
  return i;
}

/**
 * Parses the JSON number starting at b[start], stopping at the first byte
 * that cannot continue it (or at `end`), and writes its value to
 * out[outIndex] (+-Infinity when it overflows a double).
 * Returns the index just past the number; when the bytes there are not a
 * JSON number, returns -1 - i, i being the offending byte's index (`end`
 * when the input ran out first).
 */
export function parseDecimal(b: Uint8Array, start: number, end: number, out: Float64Array, outIndex: number): number {
  let i = start;
  let neg = false;
  if (i < end && b[i] === MINUS) {
    neg = true;
    i++;
  }
  if (i >= end) return -1 - i;
  const digitsStart = i;
  const c = b[i];
  MANT[0] = 0;
  if (c === ZERO) {
    i++;
  } else if (c >= ONE && c <= NINE) {
    i = byteRun(b, i, end);
  } else {
    return -1 - i;
  }
  let frac = 0;
  if (i < end && b[i] === DOT) {
    i = byteRun(b, i + 1, end);
    frac = runLength;
    if (frac === 0) return -1 - i;
  }
  const mantEnd = i;
  if (i >= end || (b[i] | 0x20) !== LOWER_E) {
    const mant = MANT[0];
    if (mant < TWO53 && frac <= 22) {
      // The usual price or size: no exponent, digits exact in a double.
      const v = mant / POW10[frac];
      out[outIndex] = neg ? -v : v;
    } else {
      scale(b, digitsStart, mantEnd, 0 - frac, 0, neg, out, outIndex); // not -frac: -0 is a heap number
    }
    return i;
  }
  return exponent(b, i + 1, end, digitsStart, mantEnd, frac, neg, out, outIndex);
}

/**
 * parseDecimal over a MessageScratch, 4 bytes at a time: b and dv view the
 * same bytes, and the bytes from `end` on are not digits (the scratch's zero
 * padding). Same contract and results as parseDecimal; a separate copy so
 * that each stays monomorphic and small enough to optimise well.
 */
export function parseDecimalWide(b: Uint8Array, dv: DataView, start: number, end: number, out: Float64Array, outIndex: number): number {
  let i = start;
  let neg = false;
  if (i < end && b[i] === MINUS) {
    neg = true;
    i++;
  }
  if (i >= end) return -1 - i;
  const digitsStart = i;
  const c = b[i];
  // The two digit runs are written out in full (not a shared helper): this is the hot path.
  let mant = F64_ZERO[0];
  if (c === ZERO) {
    i++;
  } else if (c >= ONE && c <= NINE) {
    for (;;) {
      const w = dv.getInt32(i, true);
      const x = nonDigits(w);
      if (x === 0) {
        mant = mant * 10000 + fourDigitValue(w);
        i += 4;
        continue;
      }
      const k = (31 - Math.clz32(x & -x)) >> 3;
      if (k !== 0) {
        mant = mant * POW10[k] + fourDigitValue((w << (32 - 8 * k)) | ZERO_PAD[k]);
        i += k;
      }
      break;
    }
  } else {
    return -1 - i;
  }
  let frac = 0;
  if (i < end && b[i] === DOT) {
    const fracStart = ++i;
    for (;;) {
      const w = dv.getInt32(i, true);
      const x = nonDigits(w);
      if (x === 0) {
        mant = mant * 10000 + fourDigitValue(w);
        i += 4;
        continue;
      }
      const k = (31 - Math.clz32(x & -x)) >> 3;
      if (k !== 0) {
        mant = mant * POW10[k] + fourDigitValue((w << (32 - 8 * k)) | ZERO_PAD[k]);
        i += k;
      }
      break;
    }
    frac = i - fracStart;
    if (frac === 0) return -1 - i;
  }
  const mantEnd = i;
  MANT[0] = mant;
  if (i >= end || (b[i] | 0x20) !== LOWER_E) {
    if (mant < TWO53 && frac <= 22) {
      // The usual price or size: no exponent, digits exact in a double.
      const v = mant / POW10[frac];
      out[outIndex] = neg ? -v : v;
    } else {
      scale(b, digitsStart, mantEnd, 0 - frac, 0, neg, out, outIndex); // not -frac: -0 is a heap number
    }
    return i;
  }
  return exponent(b, i + 1, end, digitsStart, mantEnd, frac, neg, out, outIndex);
}

/** The exponent part (b[i] is past the 'e'), then scaling. */
function exponent(
  b: Uint8Array,
  i: number,
  end: number,
  digitsStart: number,
  mantEnd: number,
  frac: number,
  neg: boolean,
  out: Float64Array,
  outIndex: number,
): number {
  let expNeg = false;
  if (i < end) {
    const s = b[i];
    if (s === MINUS) {
      expNeg = true;
      i++;
    } else if (s === PLUS) {
      i++;
    }
  }
  const expStart = i;
  let exp = 0;
  while (i < end) {
    const d = b[i] - ZERO;
    if (d < 0 || d > 9) break;
    if (exp < EXP_CLAMP) exp = exp * 10 + d;
    i++;
  }
  if (i === expStart) return -1 - i;
  if (expNeg) exp = 0 - exp; // not -exp: -0 is a heap number
  scale(b, digitsStart, mantEnd, exp - frac, exp, neg, out, outIndex);
  return i;
}

// ---- fallback, after Go's strconv.ParseFloat: Eisel-Lemire, then big decimal ----

const MAX_DIGITS = 800;
/** Largest binary shift in one pass: n stays below 10 * 2^27 < 2^31, so shifts run in int32 (never boxed). */
const MAX_SHIFT = 27;
/** Headroom for the digits a left shift by MAX_SHIFT adds (2^27 has 9 digits). */
const MAX_DELTA = 16;
const BIAS = -1023;
/** Binary shifts that take decimal point position dp down to 0 (Go's powtab). */
const POWTAB = new Int32Array([1, 3, 6, 9, 13, 16, 19, 23, 26]);

/** Decimal digits (values 0..9, not ASCII) of the number 0.d[0]d[1]...d[nd-1] x 10^dp. */
const DIG = new Uint8Array(MAX_DIGITS + 2 * MAX_DELTA);
let nd = 0;
let dp = 0;
/** Non-zero digits were dropped beyond MAX_DIGITS: the value is a little above the digits kept. */
let trunc = false;

const BITS = new DataView(new ArrayBuffer(8));

/** Writes the double with the given sign, biased exponent and 52-bit fraction (m below 2^53; its bit 52 is dropped). */
function assemble(neg: boolean, biasedExp: number, m: number, out: Float64Array, outIndex: number): void {
  const hi = (neg ? 0x80000000 : 0) | (biasedExp << 20) | (Math.floor(m / TWO32) & 0xfffff);
  BITS.setUint32(0, m >>> 0, true);
  BITS.setUint32(4, hi, true);
  out[outIndex] = BITS.getFloat64(0, true);
}

function trim(): void {
  while (nd > 0 && DIG[nd - 1] === 0) nd--;
  if (nd === 0) dp = 0;
}

/** Divides by 2^k. */
function rightShift(k: number): void {
  const mask = (1 << k) - 1;
  let r = 0;
  let w = 0;
  let n = 0;
  for (; n >>> k === 0; r++) {
    if (r >= nd) {
      if (n === 0) {
        nd = 0;
        return;
      }
      while (n >>> k === 0) {
        n *= 10;
        r++;
      }
      break;
    }
    n = n * 10 + DIG[r];
  }
  dp -= r - 1;
  for (; r < nd; r++) {
    const dig = n >>> k;
    n &= mask;
    DIG[w++] = dig;
    n = n * 10 + DIG[r];
  }
  while (n > 0) {
    const dig = n >>> k;
    n &= mask;
    if (w < MAX_DIGITS) DIG[w++] = dig;
    else if (dig > 0) trunc = true;
    n *= 10;
  }
  nd = w;
  trim();
}

/** Multiplies by 2^k: digits are written right to left MAX_DELTA places up, then moved down. */
function leftShift(k: number): void {
  const top = nd + MAX_DELTA;
  let w = top;
  let n = 0;
  for (let r = nd - 1; r >= 0; r--) {
    n += DIG[r] << k;
    const quo = (n / 10) | 0;
    DIG[--w] = n - 10 * quo;
    n = quo;
  }
  while (n > 0) {
    const quo = (n / 10) | 0;
    DIG[--w] = n - 10 * quo;
    n = quo;
  }
  const len = top - w;
  DIG.copyWithin(0, w, top);
  dp += len - nd;
  if (len > MAX_DIGITS) {
    for (let j = MAX_DIGITS; j < len; j++) {
      if (DIG[j] !== 0) {
        trunc = true;
        break;
      }
    }
    nd = MAX_DIGITS;
  } else {
    nd = len;
  }
  trim();
}

function shift(k: number): void {
  if (nd === 0) return;
  if (k > 0) {
    for (; k > MAX_SHIFT; k -= MAX_SHIFT) leftShift(MAX_SHIFT);
    leftShift(k);
  } else if (k < 0) {
    for (; k < -MAX_SHIFT; k += MAX_SHIFT) rightShift(MAX_SHIFT);
    rightShift(0 - k);
  }
}

/** Whether chopping the digits at `cut` should round up (round half to even). */
function shouldRoundUp(cut: number): boolean {
  if (cut < 0 || cut >= nd) return false;
  if (DIG[cut] === 5 && cut + 1 === nd) {
    if (trunc) return true;
    return cut > 0 && (DIG[cut - 1] & 1) === 1;
  }
  return DIG[cut] >= 5;
}

// Eisel-Lemire (Lemire 2021; Go's eiselLemire64): the value of a 64-bit decimal
// mantissa times 10^q from one 64x128-bit product with a table of 10^q, or
// "don't know" in the rare cases the product cannot settle the rounding.

const EL_MIN_Q = -348;
const EL_MAX_Q = 347;
/** 10^q as a 128-bit mantissa rounded down (top bit set), 4 uint32 words per q, most significant first. */
const POW10_128 = (() => {
  const t = new Uint32Array((EL_MAX_Q - EL_MIN_Q + 1) * 4);
  const bits = (x: bigint) => x.toString(2).length;
  for (let q = EL_MIN_Q; q <= EL_MAX_Q; q++) {
    let x: bigint;
    if (q >= 0) {
      x = 10n ** BigInt(q);
    } else {
      const d = 10n ** BigInt(-q);
      x = (1n << BigInt(bits(d) + 192)) / d;
    }
    const n = bits(x);
    x = n > 128 ? x >> BigInt(n - 128) : x << BigInt(128 - n);
    const row = (q - EL_MIN_Q) * 4;
    for (let k = 0; k < 4; k++) t[row + k] = Number((x >> BigInt(96 - 32 * k)) & 0xffffffffn);
  }
  return t;
})();

/** The 64-bit mantissa (most significant word first): uint32 words kept in a typed array, never boxed. */
const W = new Uint32Array(2);
/** A 128-bit product, most significant word first. */
const P = new Uint32Array(4);

/** P = W x (t[i], t[i + 1]): 64 x 64 -> 128 bits in 16-bit limbs (every partial sum exact in a double). */
function mul64(t: Uint32Array, i: number): void {
  const a0 = W[1] & 0xffff;
  const a1 = W[1] >>> 16;
  const a2 = W[0] & 0xffff;
  const a3 = W[0] >>> 16;
  const b0 = t[i + 1] & 0xffff;
  const b1 = t[i + 1] >>> 16;
  const b2 = t[i] & 0xffff;
  const b3 = t[i] >>> 16;
  let c = a0 * b0;
  const r0 = c % 65536;
  c = (c - r0) / 65536 + a0 * b1 + a1 * b0;
  const r1 = c % 65536;
  c = (c - r1) / 65536 + a0 * b2 + a1 * b1 + a2 * b0;
  const r2 = c % 65536;
  c = (c - r2) / 65536 + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  const r3 = c % 65536;
  c = (c - r3) / 65536 + a1 * b3 + a2 * b2 + a3 * b1;
  const r4 = c % 65536;
  c = (c - r4) / 65536 + a2 * b3 + a3 * b2;
  const r5 = c % 65536;
  c = (c - r5) / 65536 + a3 * b3;
  const r6 = c % 65536;
  const r7 = (c - r6) / 65536;
  P[0] = r7 * 65536 + r6;
  P[1] = r5 * 65536 + r4;
  P[2] = r3 * 65536 + r2;
  P[3] = r1 * 65536 + r0;
}

/** Whether the 64-bit sum (hi, lo) + W carries out. */
function carriesWithW(hi: number, lo: number): boolean {
  const l = lo + W[1];
  return hi + W[0] + (l >= TWO32 ? 1 : 0) >= TWO32;
}

/**
 * W x 10^q (W non-zero), correctly rounded, to out[outIndex]. Returns false
 * when the product leaves the rounding open, or the result would be
 * subnormal or overflow: the caller then takes the big-decimal way.
 */
function eiselLemire(q: number, neg: boolean, out: Float64Array, outIndex: number): boolean {
  if (q < EL_MIN_Q || q > EL_MAX_Q) return false;
  // Normalise W so that its top bit is set.
  const clz = W[0] !== 0 ? Math.clz32(W[0]) : 32 + Math.clz32(W[1]);
  if (clz >= 32) {
    W[0] = W[1] << (clz - 32);
    W[1] = 0;
  } else if (clz > 0) {
    W[0] = (W[0] << clz) | (W[1] >>> (32 - clz));
    W[1] = W[1] << clz;
  }
  // 217706 / 2^16 = log2(10).
  let exp2 = ((217706 * q) >> 16) + 64 + 1023 - clz;
  const row = (q - EL_MIN_Q) * 4;
  mul64(POW10_128, row);
  let x3 = P[0];
  let x2 = P[1];
  let x1 = P[2];
  let x0 = P[3];
  if ((x2 & 0x1ff) === 0x1ff && carriesWithW(x1, x0)) {
    // Wider approximation: add the high half of W x the table's low 64 bits.
    mul64(POW10_128, row + 2);
    let lo = x0 + P[1];
    let c = lo >= TWO32 ? 1 : 0;
    lo -= c * TWO32;
    let hi = x1 + P[0] + c;
    c = hi >= TWO32 ? 1 : 0;
    hi -= c * TWO32;
    let m2 = x2 + c;
    c = m2 >= TWO32 ? 1 : 0;
    m2 -= c * TWO32;
    if ((m2 & 0x1ff) === 0x1ff && hi === 0xffffffff && lo === 0xffffffff && carriesWithW(P[2], P[3])) return false;
    x3 += c;
    x2 = m2;
    x1 = hi;
    x0 = lo;
  }
  // The top 54 bits of the product's high half, rounded to 53: taken as (those bits >> 1) plus
  // their lowest bit, since 54 bits do not fit a double.
  const msb = x3 >>> 31;
  const s = msb + 9;
  const low2 = (x2 >>> s) & 3;
  let m = x3 * 2 ** (31 - s) + Math.floor(x2 / 2 ** (s + 1));
  exp2 -= 1 ^ msb;
  // Exactly halfway between two doubles as far as the product can tell: don't guess.
  if (x1 === 0 && x0 === 0 && (x2 & 0x1ff) === 0 && low2 === 1) return false;
  m += low2 & 1;
  if (m >= TWO53) {
    m /= 2;
    exp2++;
  }
  if (exp2 <= 0 || exp2 >= 0x7ff) return false;
  assemble(neg, exp2, m, out, outIndex);
  return true;
}

/** The first min(nd, 19) digits into W; returns how many. */
function mantissa19(): number {
  const n = nd < 19 ? nd : 19;
  let hi = F64_ZERO[0];
  let lo = F64_ZERO[0];
  for (let j = 0; j < n; j++) {
    const x = lo * 10 + DIG[j];
    lo = x % TWO32;
    hi = hi * 10 + (x - lo) / TWO32;
  }
  W[0] = hi;
  W[1] = lo;
  return n;
}

function slowDecimal(
  b: Uint8Array,
  start: number,
  mantEnd: number,
  exp: number,
  neg: boolean,
  out: Float64Array,
  outIndex: number,
): void {
  nd = 0;
  dp = 0;
  trunc = false;
  let sawDot = false;
  for (let i = start; i < mantEnd; i++) {
    const c = b[i];
    if (c === DOT) {
      sawDot = true;
      dp = nd;
    } else if (c === ZERO && nd === 0) {
      dp--;
    } else if (nd < MAX_DIGITS) {
      DIG[nd++] = c - ZERO;
    } else if (c !== ZERO) {
      trunc = true;
    }
  }
  if (!sawDot) dp = nd;
  dp += exp;
  trim();

  if (nd === 0) {
    out[outIndex] = neg ? -0 : 0;
    return;
  }
  if (dp > 310) {
    out[outIndex] = neg ? -Infinity : Infinity;
    return;
  }
  if (dp < -330) {
    out[outIndex] = neg ? -0 : 0;
    return;
  }
  // Trailing zeros trimmed, the exact fast path may apply after all (e.g. "123456789.1230000000").
  if (!trunc && nd <= 15) {
    let m = F64_ZERO[0];
    for (let j = 0; j < nd; j++) m = m * 10 + DIG[j];
    const e = dp - nd;
    if (e >= -22 && e <= 22) {
      const v = e >= 0 ? m * POW10[e] : m / POW10[0 - e];
      out[outIndex] = neg ? -v : v;
      return;
    }
  }
  // Eisel-Lemire on the first 19 digits; with more, the answer stands only if
  // rounding the 19 digits up by one unit gives the same double.
  const n = mantissa19();
  const q = dp - n;
  if (eiselLemire(q, neg, out, outIndex)) {
    if (!trunc && nd === n) return;
    const first = out[outIndex];
    mantissa19();
    if (W[1] === 0xffffffff) {
      W[1] = 0;
      W[0]++;
    } else {
      W[1]++;
    }
    if (eiselLemire(q, neg, out, outIndex) && Object.is(out[outIndex], first)) return;
  }
  bigDecimal(neg, out, outIndex);
}

/** Go's decimal conversion of the digits in DIG: exact for any input, slow for large exponents. */
function bigDecimal(neg: boolean, out: Float64Array, outIndex: number): void {
  // Scale by powers of two until the value is in [1/2, 1).
  let e2 = 0;
  while (dp > 0) {
    const n = dp >= POWTAB.length ? 27 : POWTAB[dp];
    shift(-n);
    e2 += n;
  }
  while (dp < 0 || (dp === 0 && DIG[0] < 5)) {
    const back = 0 - dp; // not -dp: -0 is a heap number
    const n = back >= POWTAB.length ? 27 : POWTAB[back];
    shift(n);
    e2 -= n;
  }
  e2--; // [1/2, 1) -> [1, 2)
  if (e2 < BIAS + 1) {
    const n = BIAS + 1 - e2;
    shift(-n);
    e2 += n;
  }
  if (e2 - BIAS >= 0x7ff) {
    out[outIndex] = neg ? -Infinity : Infinity;
    return;
  }
  // Take 53 bits, rounded half to even.
  shift(53);
  let m = F64_ZERO[0];
  let j = 0;
  for (; j < dp && j < nd; j++) m = m * 10 + DIG[j];
  for (; j < dp; j++) m *= 10;
  if (shouldRoundUp(dp)) m++;
  if (m === TWO53) {
    m = TWO52;
    e2++;
    if (e2 - BIAS >= 0x7ff) {
      out[outIndex] = neg ? -Infinity : Infinity;
      return;
    }
  }
  assemble(neg, m < TWO52 ? 0 : e2 - BIAS, m, out, outIndex); // below 2^52: subnormal
}
