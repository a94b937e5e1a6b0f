/**
 * Where a SharedArrayBuffer's memory sits relative to a cache line. V8 gives
 * no such thing to JavaScript; memcpy(p, p, 0) through koffi returns p, the
 * address of the buffer's first byte, without touching a byte of it.
 * A SharedArrayBuffer's memory here starts 16 bytes past a 128-byte boundary,
 * so a layout that means to give each 64-byte record a line of its own must
 * start at an offset of its choosing. The memory never moves and every thread
 * sees the same address, so an offset found once holds for all of them.
 */
import koffi from 'koffi';

let addressOf: ((u8: Uint8Array) => number) | null | undefined;

function load(): ((u8: Uint8Array) => number) | null {
  try {
    const libc = koffi.load('libc.so.6');
    const memcpy = libc.func('uintptr_t memcpy(void *, void *, size_t)') as (d: Uint8Array, s: Uint8Array, n: number) => number | bigint;
    return (u8) => {
      const a = memcpy(u8, u8, 0);
      // Only the low bits matter; a bigint (addresses above 2^53) is reduced first.
      return typeof a === 'bigint' ? Number(a & 0xffffn) : a;
    };
  } catch {
    return null;
  }
}

/** The buffer's address modulo `align` (a power of two up to 65536), or -1 where it cannot be read. */
export function bufferAddressMod(sab: SharedArrayBuffer, align: number): number {
  if (addressOf === undefined) addressOf = load();
  if (addressOf === null || sab.byteLength === 0) return -1;
  return addressOf(new Uint8Array(sab, 0, 1)) & (align - 1);
}
