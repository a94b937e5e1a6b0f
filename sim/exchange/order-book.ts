/**
 * A price-time priority book for one symbol. Prices are integer ticks and
 * quantities integer lot steps, so matching never rounds. Each side is an
 * array of levels sorted best first (bids high to low, asks low to high);
 * each level is a FIFO queue. An entry is either a client order (`owner`) or
 * synthetic liquidity (`owner` null) that the simulator's price path places
 * and withdraws; both match alike, so a resting client order is filled when
 * the synthetic market crosses it, and two clients' orders match each other.
 * Books are shallow (tens of levels), so sorted arrays beat a tree here.
 */
export type Side = 'BUY' | 'SELL';

export interface BookEntry<T> {
  /** Steps still resting. */
  qty: number;
  owner: T | null;
}

interface Level<T> {
  price: number;
  queue: BookEntry<T>[];
}

export interface Match<T> {
  entry: BookEntry<T>;
  price: number;
  qty: number;
}

export class OrderBook<T> {
  private readonly bids: Level<T>[] = [];
  private readonly asks: Level<T>[] = [];
  /** Bumped on every change, for depth's lastUpdateId. */
  updateId = 1;

  /** Appends `entry` at the back of its price level on `side`. */
  rest(side: Side, price: number, entry: BookEntry<T>): void {
    const levels = side === 'BUY' ? this.bids : this.asks;
    const i = this.levelIndex(side, price);
    if (i < levels.length && levels[i].price === price) levels[i].queue.push(entry);
    else levels.splice(i, 0, { price, queue: [entry] });
    this.updateId++;
  }

  /** Takes `entry` off the book; false if it is not there. */
  remove(side: Side, price: number, entry: BookEntry<T>): boolean {
    const levels = side === 'BUY' ? this.bids : this.asks;
    const i = this.levelIndex(side, price);
    if (i >= levels.length || levels[i].price !== price) return false;
    const q = levels[i].queue;
    const k = q.indexOf(entry);
    if (k < 0) return false;
    q.splice(k, 1);
    if (q.length === 0) levels.splice(i, 1);
    this.updateId++;
    return true;
  }

  /**
   * Matches a taker on `side` for up to `qty` steps at prices no worse than
   * `limit` (null = any price), best level first and oldest entry first
   * within it, filling at each resting entry's price. `accept` may cap a fill
   * (a quote budget), returning the steps allowed (0 ends the sweep). Filled
   * entries leave the book. Returns the fills in order.
   */
  take(side: Side, limit: number | null, qty: number, accept: (price: number, steps: number) => number = (_p, s) => s): Match<T>[] {
    const levels = side === 'BUY' ? this.asks : this.bids;
    const fills: Match<T>[] = [];
    while (qty > 0 && levels.length > 0) {
      const level = levels[0];
      if (limit !== null && (side === 'BUY' ? level.price > limit : level.price < limit)) break;
      const entry = level.queue[0];
      const steps = accept(level.price, Math.min(qty, entry.qty));
      if (steps <= 0) break;
      fills.push({ entry, price: level.price, qty: steps });
      entry.qty -= steps;
      qty -= steps;
      if (entry.qty === 0) {
        level.queue.shift();
        if (level.queue.length === 0) levels.shift();
      }
    }
    if (fills.length > 0) this.updateId++;
    return fills;
  }

  /** Steps a taker on `side` could fill at prices no worse than `limit`, and their cost in tick-steps, up to `qty`. */
  reach(side: Side, limit: number | null, qty: number): { steps: number; cost: number } {
    const levels = side === 'BUY' ? this.asks : this.bids;
    let steps = 0;
    let cost = 0;
    for (const level of levels) {
      if (steps >= qty) break;
      if (limit !== null && (side === 'BUY' ? level.price > limit : level.price < limit)) break;
      for (const e of level.queue) {
        const s = Math.min(e.qty, qty - steps);
        steps += s;
        cost += s * level.price;
        if (steps >= qty) break;
      }
    }
    return { steps, cost };
  }

  /** Withdraws every synthetic entry. */
  clearSynthetic(): void {
    for (const levels of [this.bids, this.asks]) {
      for (let i = levels.length - 1; i >= 0; i--) {
        const q = levels[i].queue.filter((e) => e.owner !== null);
        if (q.length === 0) levels.splice(i, 1);
        else levels[i].queue = q;
      }
    }
    this.updateId++;
  }

  /** Best price on `side`, or NaN when that side is empty. */
  best(side: Side): number {
    const levels = side === 'BUY' ? this.bids : this.asks;
    return levels.length > 0 ? levels[0].price : Number.NaN;
  }

  /** The first `n` levels of `side` as [price, total steps]. */
  depth(side: Side, n: number): [number, number][] {
    const levels = side === 'BUY' ? this.bids : this.asks;
    return levels.slice(0, n).map((l) => [l.price, l.queue.reduce((a, e) => a + e.qty, 0)]);
  }

  /** Where `price` sits (or would be inserted) on `side`: binary search over best-first levels. */
  private levelIndex(side: Side, price: number): number {
    const levels = side === 'BUY' ? this.bids : this.asks;
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = levels[mid].price;
      if (side === 'BUY' ? p > price : p < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
