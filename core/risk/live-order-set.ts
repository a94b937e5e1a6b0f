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

/**
 * How many live ids a set of `slots` (a power of two) holds: 3/4 of the slots, so a probe always
 * ends at an empty one. Below 4 slots that is none (2 slots hold 0): --live-orders is bounded by it.
 */
export function usableLiveOrders(slots: number): number {
  return (slots >> 2) * 3;
}

export class LiveOrderSet {
  private readonly keys: Float64Array;
  private readonly vals: Int32Array;
  private readonly mask: number;
  private readonly bits: number;
  /** At most this many live ids (usableLiveOrders). */
  readonly limit: number;
  size = 0;

  constructor(capacityPow2: number) {
    this.bits = 31 - Math.clz32(capacityPow2);
    const slots = 1 << this.bits;
    this.keys = new Float64Array(slots).fill(EMPTY);
    this.vals = new Int32Array(slots);
    this.mask = slots - 1;
    this.limit = usableLiveOrders(slots);
  }

  /**
   * The id the *Key methods work on. Hot paths write the id here and call them:
   * a double passed to a call V8 does not inline is boxed (an allocation).
   */
  readonly key = new Float64Array(1);

  /** Home slot of an id; the id arrives through a typed array, never as a double argument. */
  private homeOf(ids: Float64Array, i: number): number {
    const id = ids[i];
    // ToInt32 truncates modulo 2^32: the low word, without a slow floating-point %.
    const lo = id | 0;
    const hi = (id * 2.3283064365386963e-10) | 0;
    return Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> (32 - this.bits);
  }

  /** Slot holding key[0], or -1 - (the empty slot ending its probe) when it is not live. */
  private find(): number {
    const k = this.keys;
    const id = this.key[0];
    for (let i = this.homeOf(this.key, 0); ; i = (i + 1) & this.mask) {
      const v = k[i];
      if (v === id) return i;
      if (v === EMPTY) return -1 - i;
    }
  }

  /** Whether key[0] is live. */
  hasKey(): boolean {
    return this.find() >= 0;
  }

  /** The value stored with key[0], or -1 when it is not live. */
  getKey(): number {
    const i = this.find();
    return i >= 0 ? this.vals[i] : -1;
  }

  /** Adds key[0] with `value` in one probe: Insert.Added, Insert.Exists (already live), or Insert.Full (at the limit). */
  insertKey(value: number): number {
    const i = this.find();
    if (i >= 0) return Insert.Exists;
    if (this.size >= this.limit) return Insert.Full;
    const slot = -1 - i;
    this.keys[slot] = this.key[0];
    this.vals[slot] = value;
    this.size++;
    return Insert.Added;
  }

  /** Removes key[0]; returns its value, or -1 when it was not live. */
  takeKey(): number {
    const i = this.find();
    if (i < 0) return -1;
    const k = this.keys;
    const vals = this.vals;
    const m = this.mask;
    const value = vals[i];
    // Backward shift: pull later members of the probe run into the hole when their home allows it.
    let hole = i;
    let j = (i + 1) & m;
    while (k[j] !== EMPTY) {
      const h = this.homeOf(k, j);
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

  has(id: number): boolean {
    this.key[0] = id;
    return this.hasKey();
  }

  get(id: number): number {
    this.key[0] = id;
    return this.getKey();
  }

  insert(id: number, value = 0): number {
    this.key[0] = id;
    return this.insertKey(value);
  }

  take(id: number): number {
    this.key[0] = id;
    return this.takeKey();
  }

  delete(id: number): boolean {
    return this.take(id) !== -1;
  }
}
