/**
 * CCXT-style unified symbols (BTC/USDT) <-> each venue's spelling <-> engine
 * symbol ids. The hot path looks a symbol up from the message bytes without
 * making a string: FNV-1a hash of the bytes into an open-addressing table
 * (linear probing, load <= 1/4), then a byte compare with the stored key.
 *
 *   binance   BTCUSDT   (payload "s"; stream names are lowercase: btcusdt@bookTicker)
 *   coinbase  BTC-USDT  (product_id)
 *   kraken    BTC/USDT  (WebSocket v2 symbol)
 */

export const VENUES = ['binance', 'coinbase', 'kraken'] as const;
export type Venue = (typeof VENUES)[number];

/** BASE/QUOTE, upper-case letters and digits (spot markets). */
export const UNIFIED_SYMBOL = /^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}$/;

export interface SymbolEntry {
  /** Unified name, e.g. BTC/USDT. */
  unified: string;
  /** Engine symbol id (>= 0). */
  id: number;
}

function splitUnified(unified: string): [string, string] {
  if (!UNIFIED_SYMBOL.test(unified)) throw new RangeError(`not a unified symbol (BASE/QUOTE): '${unified}'`);
  const slash = unified.indexOf('/');
  return [unified.slice(0, slash), unified.slice(slash + 1)];
}

/** The venue's spelling of a unified symbol, as it appears in market data messages. */
export function venueSymbol(venue: Venue, unified: string): string {
  const [base, quote] = splitUnified(unified);
  switch (venue) {
    case 'binance':
      return base + quote;
    case 'coinbase':
      return `${base}-${quote}`;
    case 'kraken':
      return `${base}/${quote}`;
  }
}

/** Binance stream-name prefix: the symbol in lower case (btcusdt). */
export function binanceStreamSymbol(unified: string): string {
  return venueSymbol('binance', unified).toLowerCase();
}

function fnv1a(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h;
}

export class SymbolMap {
  readonly venue: Venue;
  readonly size: number;
  /** Largest engine id in the map (-1 when empty). */
  readonly maxId: number;
  /** Slot -> entry index + 1 (0 = empty). */
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly keyBytes: Uint8Array;
  private readonly keyOffset: Int32Array;
  private readonly keyLength: Int32Array;
  private readonly entryId: Int32Array;
  private readonly unifiedNames: string[];
  private readonly entryOfId = new Map<number, number>();

  constructor(venue: Venue, entries: readonly SymbolEntry[]) {
    this.venue = venue;
    this.size = entries.length;
    this.unifiedNames = entries.map((e) => e.unified);
    const seen = new Set<string>();
    let maxId = -1;
    entries.forEach((e, k) => {
      if (!Number.isInteger(e.id) || e.id < 0 || e.id > 0x7fffffff) throw new RangeError(`bad engine id ${e.id} for ${e.unified}`);
      if (seen.has(e.unified)) throw new RangeError(`duplicate symbol ${e.unified}`);
      if (this.entryOfId.has(e.id)) throw new RangeError(`duplicate engine id ${e.id}`);
      seen.add(e.unified);
      this.entryOfId.set(e.id, k);
      maxId = Math.max(maxId, e.id);
    });
    this.maxId = maxId;

    const encoded = entries.map((e) => Buffer.from(venueSymbol(venue, e.unified), 'latin1'));
    this.keyBytes = new Uint8Array(encoded.reduce((n, b) => n + b.length, 0));
    this.keyOffset = new Int32Array(entries.length);
    this.keyLength = new Int32Array(entries.length);
    this.entryId = new Int32Array(entries.length);
    let off = 0;
    encoded.forEach((b, k) => {
      this.keyBytes.set(b, off);
      this.keyOffset[k] = off;
      this.keyLength[k] = b.length;
      this.entryId[k] = entries[k].id;
      off += b.length;
    });

    let slots = 8;
    while (slots < entries.length * 4) slots <<= 1;
    this.table = new Int32Array(slots);
    this.mask = slots - 1;
    for (let k = 0; k < entries.length; k++) {
      let s = fnv1a(this.keyBytes, this.keyOffset[k], this.keyOffset[k] + this.keyLength[k]) & this.mask;
      while (this.table[s] !== 0) s = (s + 1) & this.mask;
      this.table[s] = k + 1;
    }
  }

  /** Builds a map giving each unified name its index in the list as engine id. */
  static fromList(venue: Venue, unified: readonly string[]): SymbolMap {
    return new SymbolMap(
      venue,
      unified.map((u, id) => ({ unified: u, id })),
    );
  }

  /** Engine id of the venue symbol in b[start..end), or -1. Allocation-free. */
  lookup(b: Uint8Array, start: number, end: number): number {
    const len = end - start;
    const keys = this.keyBytes;
    let s = fnv1a(b, start, end) & this.mask;
    for (;;) {
      const e = this.table[s];
      if (e === 0) return -1;
      const k = e - 1;
      if (this.keyLength[k] === len) {
        const off = this.keyOffset[k];
        let j = 0;
        while (j < len && keys[off + j] === b[start + j]) j++;
        if (j === len) return this.entryId[k];
      }
      s = (s + 1) & this.mask;
    }
  }

  /** Engine id of a venue symbol given as a string (not for the hot path). */
  lookupString(venueName: string): number {
    const b = Buffer.from(venueName, 'latin1');
    return this.lookup(b, 0, b.length);
  }

  /** Engine ids in the map, in entry order. */
  ids(): number[] {
    return Array.from(this.entryId);
  }

  unifiedOf(id: number): string | undefined {
    const k = this.entryOfId.get(id);
    return k === undefined ? undefined : this.unifiedNames[k];
  }
}
