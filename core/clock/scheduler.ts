/**
 * Time and timers for the order path to the venue (gateway, exchange
 * simulator, network model), behind one small interface so that the same
 * code runs on the wall clock and on a simulated clock: the recovery bench
 * replays thousands of outages in seconds through the very code paths a real
 * run takes, and tests drive state machines without sleeping.
 *
 * Times are milliseconds. `nowMs()` is epoch time (venues stamp and check
 * `timestamp` against it); fractional milliseconds are kept.
 */
export type TimerId = number;

export interface Scheduler {
  nowMs(): number;
  /** Runs `fn` once, `ms` from now (0 = after the current task). */
  after(ms: number, fn: () => void): TimerId;
  /** Cancels a timer that has not run yet; a no-op otherwise. */
  cancel(id: TimerId): void;
}

/** Wall-clock time and Node's timers. */
export class RealScheduler implements Scheduler {
  private next = 1;
  private readonly live = new Map<TimerId, NodeJS.Timeout>();

  nowMs(): number {
    return performance.timeOrigin + performance.now();
  }

  after(ms: number, fn: () => void): TimerId {
    const id = this.next++;
    this.live.set(
      id,
      setTimeout(() => {
        this.live.delete(id);
        fn();
      }, Math.max(0, ms)),
    );
    return id;
  }

  cancel(id: TimerId): void {
    const t = this.live.get(id);
    if (t !== undefined) {
      clearTimeout(t);
      this.live.delete(id);
    }
  }
}

/**
 * Simulated time: nothing runs until `advance`/`runUntil` moves the clock;
 * timers fire in due order, ties in the order they were set (a binary heap
 * keyed by due time then sequence), each seeing `nowMs()` equal to its due time.
 */
export class SimScheduler implements Scheduler {
  private now: number;
  private seq = 0;
  private readonly heap: { due: number; seq: number; id: TimerId; fn: () => void }[] = [];
  private readonly cancelled = new Set<TimerId>();

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.now = startMs;
  }

  nowMs(): number {
    return this.now;
  }

  after(ms: number, fn: () => void): TimerId {
    const id = ++this.seq;
    this.push({ due: this.now + Math.max(0, ms), seq: id, id, fn });
    return id;
  }

  cancel(id: TimerId): void {
    this.cancelled.add(id);
  }

  /** Timers not yet run (cancelled ones excluded once they reach the top). */
  get pending(): number {
    return this.heap.length;
  }

  /** Runs every timer due up to `untilMs` (including those they set), then sets the clock there. */
  runUntil(untilMs: number): void {
    while (this.heap.length > 0 && this.heap[0].due <= untilMs) {
      const t = this.pop();
      if (this.cancelled.delete(t.id)) continue;
      this.now = Math.max(this.now, t.due);
      t.fn();
    }
    this.now = Math.max(this.now, untilMs);
  }

  advance(ms: number): void {
    this.runUntil(this.now + ms);
  }

  /** Runs timers until none is left or `limitMs` of simulated time has passed; returns whether it went idle. */
  runIdle(limitMs = 3_600_000): boolean {
    const end = this.now + limitMs;
    while (this.heap.length > 0 && this.heap[0].due <= end) this.runUntil(this.heap[0].due);
    return this.heap.every((t) => this.cancelled.has(t.id));
  }

  private less(a: { due: number; seq: number }, b: { due: number; seq: number }): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(t: { due: number; seq: number; id: TimerId; fn: () => void }): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): { due: number; seq: number; id: TimerId; fn: () => void } {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
