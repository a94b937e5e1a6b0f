/**
 * The header line every shared-memory table opens with (breaker board, rate
 * limiters, exposure ledger, limits table, instrument table), so that a thread
 * handed the wrong buffer, or one laid out by other code, refuses it at attach
 * instead of reading garbage on the hot path.
 *
 *   0          4          8                                           128
 *   +----------+----------+------------------- ... -------------------+
 *   | magic    | version  | the layout's own fields (from byte 8)     |
 *   +----------+----------+------------------- ... -------------------+
 *
 *   magic    i32  which layout the buffer holds; distinct per layout. Writer: the creator, once.
 *   version  i32  the layout's format; bumped whenever an offset moves. Writer: the creator, once.
 *
 * Invariant: both are written before the buffer is shared (postMessage orders
 * them before any reader) and never after, so a reader checks them with plain
 * reads. The layout's own data starts at byte CACHE_LINE_BYTES or later.
 */
import { CACHE_LINE_BYTES } from './cache-line.js';

export const MAGIC_I32 = 0;
export const VERSION_I32 = MAGIC_I32 + 1;
/** First byte of the header line free for the layout's own fields. */
export const HEADER_FIELDS_BYTE = (VERSION_I32 + 1) * 4;
/** The header is one line: the layout's own data starts after it. */
export const HEADER_BYTES = CACHE_LINE_BYTES;

/** A layout's identity as its header holds it. */
export interface LayoutId {
  /** What the layout is, for errors: 'breaker board'. */
  readonly name: string;
  readonly magic: number;
  readonly version: number;
}

/** 'a breaker board', 'an exposure ledger'. */
function aName(id: LayoutId): string {
  return `${/^[aeiou]/.test(id.name) ? 'an' : 'a'} ${id.name}`;
}

function hex(word: number): string {
  return `0x${(word >>> 0).toString(16).padStart(8, '0')}`;
}

/** The creator, before the buffer is shared: writes the magic and version words. */
export function writeLayoutHeader(sab: SharedArrayBuffer, id: LayoutId): Int32Array {
  const header = new Int32Array(sab, 0, HEADER_BYTES >> 2);
  header[MAGIC_I32] = id.magic;
  header[VERSION_I32] = id.version;
  return header;
}

/**
 * Every attach: throws unless the buffer holds a header with this layout's
 * magic and version. Returns the header line for the layout's own fields; the
 * caller then checks the buffer's size against them (checkLayoutBytes).
 */
export function readLayoutHeader(sab: SharedArrayBuffer, id: LayoutId): Int32Array {
  if (!(sab instanceof SharedArrayBuffer)) throw new TypeError(`not ${aName(id)}: not a SharedArrayBuffer`);
  if (sab.byteLength < HEADER_BYTES) throw new TypeError(`not ${aName(id)}: ${sab.byteLength} bytes, shorter than its ${HEADER_BYTES}-byte header`);
  const header = new Int32Array(sab, 0, HEADER_BYTES >> 2);
  const magic = header[MAGIC_I32];
  if (magic !== id.magic) throw new TypeError(`not ${aName(id)}: magic ${hex(magic)} expected ${hex(id.magic)}`);
  const version = header[VERSION_I32];
  if (version !== id.version) throw new TypeError(`${id.name} layout version ${version}, expected ${id.version}`);
  return header;
}

/** Throws unless the buffer is exactly as long as its header says (`what` names the header's counts). */
export function checkLayoutBytes(sab: SharedArrayBuffer, id: LayoutId, expected: number, what: string): void {
  if (sab.byteLength !== expected) throw new TypeError(`${id.name} of ${what} is ${sab.byteLength} bytes, expected ${expected}`);
}
