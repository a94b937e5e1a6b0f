/**
 * A preallocated copy of the message being parsed, followed by zero bytes,
 * with a DataView over it: the fast paths read 4 bytes at a time from here.
 * The copy is one native memcpy; the view over our own buffer is made once
 * (a DataView over each ws Buffer would be an allocation per message). The
 * zero padding lets word reads run up to 16 bytes past the message: no JSON
 * literal, digit or string byte is 0, so a match never extends past `end`.
 */
export const SCRATCH_PAD = 16;

export class MessageScratch {
  readonly u8: Uint8Array;
  readonly dv: DataView;
  readonly capacity: number;

  constructor(capacity: number) {
    const ab = new ArrayBuffer(capacity + SCRATCH_PAD);
    this.capacity = capacity;
    this.u8 = new Uint8Array(ab);
    this.dv = new DataView(ab);
  }

  /** Copies b[start..end) to offset 0 and zero-pads it; returns its length, or -1 when it does not fit. */
  load(b: Uint8Array, start: number, end: number): number {
    const n = end - start;
    if (n > this.capacity) return -1;
    const u8 = this.u8;
    if (start === 0 && end === b.length) u8.set(b);
    else for (let k = 0; k < n; k++) u8[k] = b[start + k];
    const dv = this.dv;
    dv.setInt32(n, 0);
    dv.setInt32(n + 4, 0);
    dv.setInt32(n + 8, 0);
    dv.setInt32(n + 12, 0);
    return n;
  }
}
