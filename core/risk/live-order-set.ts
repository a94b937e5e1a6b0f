/**
 * The client order ids of one worker's live orders (accepted, not yet filled
 * or cancelled): an open-addressing hash set with linear probing and
 * backward-shift deletion (no tombstones, so probe lengths stay short under
 * churn). Keys are integers below 2^53 in a Float64Array; -1 marks an empty
 * slot. Each id carries an int32 value (the worker's order-table row), moved
 * with its key. Single-threaded: owned by the worker that owns the symbols.
 */

const EMPTY = -1;

export const Insert = { Added: 0, Exists: 1, Full: 2 } as const;

export class LiveOrderSet {
  private readonly keys: Float64Array;
  private readonly vals: Int32Array;
  private readonly mask: number;
  private readonly bits: number;
  /** At most this many live ids: 3/4 of the slots, so a probe always ends. */
  readonly limit: number;
  size = 0;

  constructor(capacityPow2: number) {
    this.bits = 31 - Math.clz32(capacityPow2);
    const slots = 1 << this.bits;
    this.keys = new Float64Array(slots).fill(EMPTY);
    this.vals = new Int32Array(slots);
    this.mask = slots - 1;
    this.limit = (slots >> 2) * 3;
  }

  private home(id: number): number {
    // ToInt32 truncates modulo 2^32: the low word, without a slow floating-point %.
    const lo = id | 0;
    const hi = (id * 2.3283064365386963e-10) | 0;
    return Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> (32 - this.bits);
  }

  has(id: number): boolean {
    const k = this.keys;
    for (let i = this.home(id); ; i = (i + 1) & this.mask) {
      const v = k[i];
      if (v === id) return true;
      if (v === EMPTY) return false;
    }
  }

  /** The value stored with id, or -1 when id is not live. */
  get(id: number): number {
    const k = this.keys;
    for (let i = this.home(id); ; i = (i + 1) & this.mask) {
      const v = k[i];
      if (v === id) return this.vals[i];
      if (v === EMPTY) return -1;
    }
  }

  /** Adds id with `value` in one probe: Insert.Added, Insert.Exists (already live), or Insert.Full (at the limit). */
  insert(id: number, value = 0): number {
    const k = this.keys;
    let i = this.home(id);
    for (;;) {
      const v = k[i];
      if (v === id) return Insert.Exists;
      if (v === EMPTY) break;
      i = (i + 1) & this.mask;
    }
    if (this.size >= this.limit) return Insert.Full;
    k[i] = id;
    this.vals[i] = value;
    this.size++;
    return Insert.Added;
  }

  delete(id: number): boolean {
    return this.take(id) !== -1;
  }

  /** Removes id; returns its value, or -1 when it was not live. */
  take(id: number): number {
    const k = this.keys;
    const vals = this.vals;
    const m = this.mask;
    let i = this.home(id);
    for (;;) {
      const v = k[i];
      if (v === EMPTY) return -1;
      if (v === id) break;
      i = (i + 1) & m;
    }
    const value = vals[i];
    // Backward shift: pull later members of the probe run into the hole when their home allows it.
    let hole = i;
    let j = (i + 1) & m;
    while (k[j] !== EMPTY) {
      const h = this.home(k[j]);
      // Move k[j] if its home is not in (hole, j] cyclically.
      if (((j - h) & m) >= ((j - hole) & m)) {
        k[hole] = k[j];
        vals[hole] = vals[j];
        hole = j;
      }
      j = (j + 1) & m;
    }
    k[hole] = EMPTY;
    this.size--;
    return value;
  }
}
