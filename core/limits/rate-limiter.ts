/**
 * Lock-free rate limiters over the shared layout of limiter-layout.ts. A
 * request must be admitted by every rule of its limiter; rules are tried in
 * order and each reserves its share with one CAS, so the first refusal rolls
 * back the reservations already made and the request is refused whole.
 *
 * Why no window is ever over-admitted, with any number of racing threads:
 * each rule's state is one int32 and every change to it is a CAS from the
 * value that was checked against the limit; a reservation that is later
 * rolled back only ever held capacity, it never created any, so the counts a
 * window ends with are exactly the admitted requests it took, each accepted
 * only while the total stayed within the limit. A concurrent request may be
 * refused while another's reservation is still awaiting rollback: that
 * under-admits by at most the requests in flight, never over-admits.
 *
 * Time: callers pass the shared monotonic clock (core/clock) read once per
 * batch. No BigInt, object or closure is created per request.
 */
import { writeLayoutHeader } from '../../ipc/layout-header.js';
import { MARKET_COUNT, type MarketName, Market, type VenueName, Venue } from '../venue/venue.js';
import {
  Directory,
  DIRECTORY_BYTE,
  DIRECTORY_ENTRY_I32,
  Header,
  MAX_LIMITERS,
  MAX_TAU_US,
  Rule,
  RULE_I32,
  RuleCounts,
  RuleKind,
  RATE_LIMITERS,
  ROUTES,
  STALE_US,
  attachRateLimiters,
  limiterBytes,
  rulesByte,
} from './limiter-layout.js';
import type { LimiterSpec, RateLimitsConfig, RateRule } from './limiter-settings.js';
import { resolveLimiters } from './venue-limits.js';

/** charged[] value of a rule the request did not touch. */
const SKIPPED = -1;
/** charged[] value of a GCRA rule that took its share. */
const BOOKED = 1;

function microseconds(nowNs: number): number {
  // Wraps modulo 2^32; only differences under 2^31 are used.
  return Math.floor(nowNs / 1000) | 0;
}

export class RateLimiter {
  readonly index: number;
  readonly ruleCount: number;
  readonly orderWeight: number;
  /** Per rule, what the last successful tryAcquire() charged: a fixed window's tag, BOOKED (GCRA) or -1 (rule not touched). */
  readonly charged: Int32Array;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly first: number;

  constructor(sab: SharedArrayBuffer, index: number) {
    const n = attachRateLimiters(sab)[Header.limiters];
    this.i32 = new Int32Array(sab);
    this.f64 = new Float64Array(sab);
    if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`limiter ${index} does not exist (0..${n - 1})`);
    const dir = (DIRECTORY_BYTE >> 2) + index * DIRECTORY_ENTRY_I32;
    this.index = index;
    this.ruleCount = this.i32[dir + Directory.ruleCount];
    this.orderWeight = this.i32[dir + Directory.orderWeight];
    this.first = (rulesByte(n) >> 2) + this.i32[dir + Directory.firstRule] * RULE_I32;
    this.charged = new Int32Array(this.ruleCount);
  }

  /**
   * The request's time (ns, shared monotonic clock), in a register: a double
   * passed between this class's methods could be boxed when V8 does not inline.
   */
  private readonly time = new Float64Array(1);

  /** One order placement: 1 order and the limiter's order weight. */
  tryAcquireOrder(nowNs: number): boolean {
    this.time[0] = nowNs;
    return this.acquire(1, this.orderWeight);
  }

  /** tryAcquireOrder() at the time held in times[i]: for hot paths, where no double may cross a call. */
  tryAcquireOrderAt(times: Float64Array, i: number): boolean {
    this.time[0] = times[i];
    return this.acquire(1, this.orderWeight);
  }

  /** Admits a request costing `orders` order placements and `weight` request weight, or refuses it whole. */
  tryAcquire(orders: number, weight: number, nowNs: number): boolean {
    this.time[0] = nowNs;
    return this.acquire(orders, weight);
  }

  private acquire(orders: number, weight: number): boolean {
    const i32 = this.i32;
    for (let r = 0; r < this.ruleCount; r++) {
      const b = this.first + r * RULE_I32;
      const cost = i32[b + Rule.counts] === RuleCounts.ORDERS ? orders : weight;
      if (cost === 0) {
        this.charged[r] = SKIPPED;
        continue;
      }
      const ok = i32[b + Rule.kind] === RuleKind.FIXED_WINDOW ? this.takeWindow(b, r, cost) : this.takeVirtualTime(b, r, cost);
      if (!ok) {
        this.rollBack(r, orders, weight);
        return false;
      }
    }
    return true;
  }

  /** Fixed window: count += cost in the current window if it stays within the limit. */
  private takeWindow(b: number, r: number, cost: number): boolean {
    const nowNs = this.time[0];
    const i32 = this.i32;
    const bits = i32[b + Rule.countBits];
    const countMask = (1 << bits) - 1;
    const tagMask = (1 << (31 - bits)) - 1;
    const lookahead = tagMask >>> 1 < 1024 ? tagMask >>> 1 : 1024;
    const limit = i32[b + Rule.limit];
    const fb = b >> 1;
    const cur = Math.floor((nowNs + this.f64[fb + Rule.offsetNsF64]) / this.f64[fb + Rule.windowNsF64]) & tagMask;
    // Plain first read (an Atomics.load costs ~15 ns here): the CAS admits only from the
    // state it finds, and hands that state back when ours was old.
    let v = i32[b + Rule.state];
    for (;;) {
      const tag = v >>> bits;
      let base: number;
      let t: number;
      if (tag === cur) {
        base = v & countMask;
        t = cur;
      } else if (((tag - cur) & tagMask) <= lookahead) {
        // Another thread, with a later clock reading, already opened the next window: count there.
        base = v & countMask;
        t = tag;
      } else {
        base = 0;
        t = cur;
      }
      if (base + cost > limit) return false;
      // Succeeds only from the state that was checked: the window's count never passes the limit.
      const seen = Atomics.compareExchange(i32, b + Rule.state, v, (t << bits) | (base + cost));
      if (seen === v) {
        this.charged[r] = t;
        return true;
      }
      v = seen;
    }
  }

  /**
   * GCRA (a token bucket kept as one time): the state is the virtual time at
   * which the bucket is full again. Admitting cost c books c * emitUs more,
   * starting from now if the bucket is already full; refused if that would
   * book more than tauUs (the burst) ahead of now.
   */
  private takeVirtualTime(b: number, r: number, cost: number): boolean {
    const nowNs = this.time[0];
    const i32 = this.i32;
    const tau = i32[b + Rule.tauUs];
    const inc = cost * i32[b + Rule.emitUs];
    const now = microseconds(nowNs);
    let v = i32[b + Rule.state]; // plain first read, checked by the CAS (as in takeWindow)
    for (;;) {
      const d = (v - now) | 0;
      // Booked ahead of now (a little more than tau only when our clock reading lags another thread's); else full.
      const ahead = d > 0 && d <= tau + STALE_US ? d : 0;
      if (ahead + inc > tau) return false;
      const seen = Atomics.compareExchange(i32, b + Rule.state, v, (now + ahead + inc) | 0);
      if (seen === v) {
        this.charged[r] = BOOKED;
        return true;
      }
      v = seen;
    }
  }

  /** Undoes the reservations of rules before `upTo` made by the refused request. */
  private rollBack(upTo: number, orders: number, weight: number): void {
    const i32 = this.i32;
    for (let r = 0; r < upTo; r++) {
      const tag = this.charged[r];
      if (tag === SKIPPED) continue;
      const b = this.first + r * RULE_I32;
      const cost = i32[b + Rule.counts] === RuleCounts.ORDERS ? orders : weight;
      if (i32[b + Rule.kind] === RuleKind.GCRA) {
        Atomics.sub(i32, b + Rule.state, cost * i32[b + Rule.emitUs]);
        continue;
      }
      const bits = i32[b + Rule.countBits];
      for (;;) {
        const v = Atomics.load(i32, b + Rule.state);
        if (v >>> bits !== tag) break; // that window is over: nothing left to give back
        if (Atomics.compareExchange(i32, b + Rule.state, v, v - cost) === v) break;
      }
    }
  }

  /**
   * Main, once per tick: moves idle rules' state forward so that wrap-around
   * of the 32-bit time and tag fields never makes an old state look recent.
   */
  maintain(nowNs: number): void {
    const i32 = this.i32;
    for (let r = 0; r < this.ruleCount; r++) {
      const b = this.first + r * RULE_I32;
      const v = Atomics.load(i32, b + Rule.state);
      if (i32[b + Rule.kind] === RuleKind.GCRA) {
        const now = microseconds(nowNs);
        if (((v - now) | 0) < -(2 ** 30)) Atomics.compareExchange(i32, b + Rule.state, v, now);
        continue;
      }
      const bits = i32[b + Rule.countBits];
      const tagMask = (1 << (31 - bits)) - 1;
      const fb = b >> 1;
      const cur = Math.floor((nowNs + this.f64[fb + Rule.offsetNsF64]) / this.f64[fb + Rule.windowNsF64]) & tagMask;
      const ahead = ((v >>> bits) - cur) & tagMask;
      if (ahead !== 0 && ahead > (tagMask >>> 1 < 1024 ? tagMask >>> 1 : 1024)) Atomics.compareExchange(i32, b + Rule.state, v, cur << bits);
    }
  }

  /** Per rule, the share of its limit in use now, 0..1 (main, for metrics; allocates). */
  usage(nowNs: number): number[] {
    const out: number[] = [];
    const i32 = this.i32;
    for (let r = 0; r < this.ruleCount; r++) {
      const b = this.first + r * RULE_I32;
      const v = Atomics.load(i32, b + Rule.state);
      if (i32[b + Rule.kind] === RuleKind.GCRA) {
        const d = (v - microseconds(nowNs)) | 0;
        out.push(d > 0 ? Math.min(1, d / i32[b + Rule.tauUs]) : 0);
      } else {
        const bits = i32[b + Rule.countBits];
        const tagMask = (1 << (31 - bits)) - 1;
        const fb = b >> 1;
        const cur = Math.floor((nowNs + this.f64[fb + Rule.offsetNsF64]) / this.f64[fb + Rule.windowNsF64]) & tagMask;
        out.push(v >>> bits === cur ? (v & ((1 << bits) - 1)) / i32[b + Rule.limit] : 0);
      }
    }
    return out;
  }
}

/** Every limiter in the buffer, and which one each venue/market's orders draw from. */
export class RateLimiters {
  readonly limiters: readonly RateLimiter[];
  private readonly routes: Int32Array;

  constructor(sab: SharedArrayBuffer) {
    const header = attachRateLimiters(sab);
    this.limiters = Array.from({ length: header[Header.limiters] }, (_, k) => new RateLimiter(sab, k));
    this.routes = header.slice(Header.routes, Header.routes + ROUTES);
  }

  /** Index of the limiter orders on (venue, market) draw from, or -1 when none is configured. */
  orderLimiterIndex(venue: number, market: number): number {
    return this.routes[venue * MARKET_COUNT + market];
  }

  /** The limiter for orders on (venue, market), or undefined. */
  forOrders(venue: number, market: number): RateLimiter | undefined {
    const k = this.orderLimiterIndex(venue, market);
    return k < 0 ? undefined : this.limiters[k];
  }

  maintain(nowNs: number): void {
    for (const l of this.limiters) l.maintain(nowNs);
  }
}

/** A rule's fixed-point parameters, ready for the shared layout. */
interface CompiledRule {
  kind: number;
  counts: number;
  countBits: number;
  limit: number;
  emitUs: number;
  tauUs: number;
  windowNs: number;
  align: boolean;
}

function compileRule(rule: RateRule): CompiledRule {
  const counts = rule.counts === 'orders' ? RuleCounts.ORDERS : RuleCounts.WEIGHT;
  if (rule.kind === 'fixedWindow') {
    // One spare bit lets a live reload raise the limit up to twice without a new layout.
    const countBits = Math.min(25, 32 - Math.clz32(rule.limit) + 1);
    return { kind: RuleKind.FIXED_WINDOW, counts, countBits, limit: rule.limit, emitUs: 0, tauUs: 0, windowNs: rule.windowMs * 1e6, align: rule.align === 'wall' };
  }
  const rate = rule.kind === 'tokenBucket' ? rule.ratePerSec : rule.decayPerSec;
  const burst = rule.kind === 'tokenBucket' ? rule.burst : rule.max;
  const emitUs = Math.ceil(1e6 / rate);
  const tauUs = burst * emitUs;
  if (tauUs > MAX_TAU_US) throw new RangeError(`a bucket of ${burst} at ${rate}/s spans ${tauUs / 1e6} s; at most ${MAX_TAU_US / 1e6} s fits`);
  return { kind: RuleKind.GCRA, counts, countBits: 0, limit: 0, emitUs, tauUs, windowNs: 0, align: false };
}

export interface CompiledLimiters {
  ids: string[];
  specs: LimiterSpec[];
  rules: CompiledRule[][];
}

export function compileLimiters(config: RateLimitsConfig): CompiledLimiters {
  const resolved = resolveLimiters(config);
  if (resolved.length > MAX_LIMITERS) throw new RangeError(`at most ${MAX_LIMITERS} rate limiters`);
  return { ids: resolved.map((r) => r.id), specs: resolved.map((r) => r.spec), rules: resolved.map((r) => r.spec.rules.map(compileRule)) };
}

function writeRuleParams(i32: Int32Array, f64: Float64Array, b: number, c: CompiledRule, nowNs: number, wallMs: number): void {
  i32[b + Rule.kind] = c.kind;
  i32[b + Rule.counts] = c.counts;
  i32[b + Rule.countBits] = c.countBits;
  i32[b + Rule.limit] = c.limit;
  i32[b + Rule.emitUs] = c.emitUs;
  i32[b + Rule.tauUs] = c.tauUs;
  f64[(b >> 1) + Rule.windowNsF64] = c.windowNs;
  // Window k covers wall time [k W, (k+1) W): now + offset is the wall clock's phase, in ns since a multiple of W.
  f64[(b >> 1) + Rule.offsetNsF64] = c.align ? (wallMs % (c.windowNs / 1e6)) * 1e6 - nowNs : 0;
}

/**
 * Main: lays out the limiters of `config` (profile plus overrides), every
 * bucket full and every window empty at `nowNs` (the shared monotonic clock);
 * `wallMs` aligns fixed windows to UTC like the venue's.
 */
export function createRateLimiters(config: RateLimitsConfig, nowNs: number, wallMs = Date.now()): { sab: SharedArrayBuffer; ids: string[] } {
  const compiled = compileLimiters(config);
  const totalRules = compiled.rules.reduce((a, r) => a + r.length, 0);
  const n = compiled.ids.length;
  const sab = new SharedArrayBuffer(limiterBytes(n, totalRules));
  writeLayoutHeader(sab, RATE_LIMITERS);
  const i32 = new Int32Array(sab);
  const f64 = new Float64Array(sab);
  i32[Header.limiters] = n;
  i32[Header.rules] = totalRules;
  i32.fill(-1, Header.routes, Header.routes + ROUTES);
  const ruleBase = rulesByte(n) >> 2;
  let next = 0;
  compiled.rules.forEach((rules, k) => {
    const spec = compiled.specs[k];
    const dir = (DIRECTORY_BYTE >> 2) + k * DIRECTORY_ENTRY_I32;
    i32[dir + Directory.firstRule] = next;
    i32[dir + Directory.ruleCount] = rules.length;
    i32[dir + Directory.orderWeight] = spec.orderWeight;
    if (spec.orders) i32[Header.routes + Venue[spec.orders.venue as VenueName] * MARKET_COUNT + Market[spec.orders.market as MarketName]] = k;
    for (const c of rules) {
      const b = ruleBase + next * RULE_I32;
      writeRuleParams(i32, f64, b, c, nowNs, wallMs);
      if (c.kind === RuleKind.GCRA) i32[b + Rule.state] = microseconds(nowNs);
      else {
        const tagMask = (1 << (31 - c.countBits)) - 1;
        i32[b + Rule.state] = (Math.floor((nowNs + f64[(b >> 1) + Rule.offsetNsF64]) / c.windowNs) & tagMask) << c.countBits;
      }
      next++;
    }
  });
  return { sab, ids: compiled.ids };
}

/**
 * For a scratch copy only (warm-up, workers/warm-up.ts): every fixed window
 * at most `maxNs` long and unaligned, so that the roll-over to a new window,
 * once a second in traffic, happens often. Limits and states stay as they are.
 */
export function shortenWindows(sab: SharedArrayBuffer, maxNs: number): void {
  const i32 = new Int32Array(sab);
  const f64 = new Float64Array(sab);
  const n = attachRateLimiters(sab)[Header.limiters];
  const ruleBase = rulesByte(n) >> 2;
  for (let r = 0; r < i32[Header.rules]; r++) {
    const b = ruleBase + r * RULE_I32;
    if (i32[b + Rule.kind] !== RuleKind.FIXED_WINDOW) continue;
    const fb = b >> 1;
    if (f64[fb + Rule.windowNsF64] > maxNs) f64[fb + Rule.windowNsF64] = maxNs;
    f64[fb + Rule.offsetNsF64] = 0;
  }
}

/**
 * Why `next` cannot replace `current` in a running buffer, or undefined when
 * it can: the same limiters with the same rule kinds, counts and window
 * lengths, and fixed-window limits within their count fields.
 */
export function limiterChangeBlocker(current: CompiledLimiters, next: CompiledLimiters): string | undefined {
  if (current.ids.join() !== next.ids.join()) return `rate limiters changed (${current.ids.join(', ')} -> ${next.ids.join(', ')})`;
  for (let k = 0; k < current.ids.length; k++) {
    const a = current.rules[k];
    const b = next.rules[k];
    const id = current.ids[k];
    if (a.length !== b.length) return `rate limiter ${id}: number of rules changed`;
    if (JSON.stringify(current.specs[k].orders) !== JSON.stringify(next.specs[k].orders)) return `rate limiter ${id}: order routing changed`;
    if (current.specs[k].orderWeight !== next.specs[k].orderWeight) return `rate limiter ${id}: order weight changed`;
    for (let r = 0; r < a.length; r++) {
      if (a[r].kind !== b[r].kind || a[r].counts !== b[r].counts) return `rate limiter ${id} rule ${r}: kind or counted cost changed`;
      if (a[r].kind === RuleKind.FIXED_WINDOW && (a[r].windowNs !== b[r].windowNs || a[r].align !== b[r].align)) return `rate limiter ${id} rule ${r}: window changed`;
      if (a[r].kind === RuleKind.FIXED_WINDOW && b[r].limit >= 1 << a[r].countBits) return `rate limiter ${id} rule ${r}: limit ${b[r].limit} exceeds what the running layout holds`;
    }
  }
  return undefined;
}

/** Main: writes new limits into a running buffer; check limiterChangeBlocker() first. */
export function applyLimiterChange(sab: SharedArrayBuffer, current: CompiledLimiters, next: CompiledLimiters): void {
  const blocker = limiterChangeBlocker(current, next);
  if (blocker) throw new RangeError(blocker);
  attachRateLimiters(sab);
  const i32 = new Int32Array(sab);
  const ruleBase = rulesByte(current.ids.length) >> 2;
  let idx = 0;
  next.rules.forEach((rules) => {
    rules.forEach((c) => {
      const b = ruleBase + idx * RULE_I32;
      // Plain stores: a request racing the change may use one old and one new value, once (see the layout).
      if (c.kind === RuleKind.FIXED_WINDOW) i32[b + Rule.limit] = c.limit;
      else {
        i32[b + Rule.emitUs] = c.emitUs;
        i32[b + Rule.tauUs] = c.tauUs;
      }
      idx++;
    });
  });
}
