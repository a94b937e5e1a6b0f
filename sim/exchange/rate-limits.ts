/**
 * The venue's rate limits (rest-api.md "LIMITS", web-socket-api.md "Rate
 * limits"), in fixed windows as the venue counts them: REQUEST_WEIGHT per IP
 * per minute (a request at 00:01:23.456 counts toward the 00:01:00 minute),
 * ORDERS per account per 10 s (windows start at :00, :10, ...) and per UTC
 * day. Over a limit the request is refused 429 with -1003 or -1015 and a
 * retry time (the end of the window). An IP that sends again before that
 * retry time (any request after a weight 429; an order after an order 429)
 * is banned: 418 until the ban ends, each ban twice the last, from banBaseMs
 * up to banMaxMs (the venue: 2 minutes to 3 days). Time comes only from the
 * Scheduler, so tests walk through windows and bans on a simulated clock.
 */
import type { Scheduler } from '../../core/clock/scheduler.js';
import { VenueError } from './errors.js';
import type { VenueOptions } from './sim-options.js';

export interface RateLimitStatus {
  rateLimitType: 'REQUEST_WEIGHT' | 'ORDERS';
  interval: 'SECOND' | 'MINUTE' | 'DAY';
  intervalNum: number;
  limit: number;
  count: number;
}

/** One fixed window: the count resets when `now` enters a new window. */
class FixedWindow {
  private start = -1;
  count = 0;
  constructor(readonly lengthMs: number) {}

  roll(now: number): void {
    const start = Math.floor(now / this.lengthMs) * this.lengthMs;
    if (start !== this.start) {
      this.start = start;
      this.count = 0;
    }
  }

  endMs(): number {
    return this.start + this.lengthMs;
  }
}

interface IpState {
  weight: FixedWindow;
  /** Until when a weight 429 / an order 429 stands: sending (orders) before then earns a ban. */
  weightLimitedUntil: number;
  ordersLimitedUntil: number;
  bannedUntil: number;
  bans: number;
}

interface AccountState {
  orders10s: FixedWindow;
  ordersDay: FixedWindow;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

export class RateLimits {
  private readonly ips = new Map<string, IpState>();
  private readonly accounts = new Map<string, AccountState>();

  constructor(
    private readonly limits: VenueOptions['limits'],
    private readonly clock: Scheduler,
  ) {}

  /** exchangeInfo's rateLimits. */
  describe(): Omit<RateLimitStatus, 'count'>[] {
    const l = this.limits;
    return [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: l.weightPerMinute },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: l.ordersPer10s },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: l.ordersPerDay },
    ];
  }

  /**
   * Charges `weight` to `ip`, or throws the 418 (banned, or sending on after
   * a 429) or the 429 (over the minute's weight). `isOrder` marks an order
   * placement, which an earlier order 429 also forbids.
   */
  chargeWeight(ip: string, weight: number, isOrder = false): void {
    const now = Math.floor(this.clock.nowMs());
    const s = this.ip(ip);
    s.weight.roll(now);
    if (now < s.bannedUntil) throw this.banned(s.bannedUntil);
    if (now < s.weightLimitedUntil || (isOrder && now < s.ordersLimitedUntil)) {
      s.bans++;
      s.bannedUntil = now + Math.min(this.limits.banMaxMs, this.limits.banBaseMs * 2 ** Math.min(40, s.bans - 1));
      s.weightLimitedUntil = 0;
      s.ordersLimitedUntil = 0;
      throw this.banned(s.bannedUntil);
    }
    if (s.weight.count + weight > this.limits.weightPerMinute) {
      s.weightLimitedUntil = s.weight.endMs();
      throw new VenueError(
        -1003,
        `Too much request weight used; current limit is ${this.limits.weightPerMinute} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.`,
        429,
        s.weightLimitedUntil,
      );
    }
    s.weight.count += weight;
  }

  /** Counts one new order for `account`, or throws the 429 -1015 of the first window it would break. */
  chargeOrder(ip: string, account: string): void {
    const now = Math.floor(this.clock.nowMs());
    const a = this.account(account);
    a.orders10s.roll(now);
    a.ordersDay.roll(now);
    const over =
      a.orders10s.count >= this.limits.ordersPer10s
        ? { w: a.orders10s, text: `${this.limits.ordersPer10s} orders per 10 SECOND` }
        : a.ordersDay.count >= this.limits.ordersPerDay
          ? { w: a.ordersDay, text: `${this.limits.ordersPerDay} orders per 1 DAY` }
          : null;
    if (over) {
      const s = this.ip(ip);
      s.ordersLimitedUntil = Math.max(s.ordersLimitedUntil, over.w.endMs());
      throw new VenueError(-1015, `Too many new orders; current limit is ${over.text}.`, 429, over.w.endMs());
    }
    a.orders10s.count++;
    a.ordersDay.count++;
  }

  /** Current counts, as the WebSocket API's `rateLimits` (ORDERS only when `account` is given). */
  status(ip: string, account?: string): RateLimitStatus[] {
    const now = Math.floor(this.clock.nowMs());
    const s = this.ip(ip);
    s.weight.roll(now);
    const [w, o10, oDay] = this.describe();
    const out: RateLimitStatus[] = [];
    if (account !== undefined) {
      const a = this.account(account);
      a.orders10s.roll(now);
      a.ordersDay.roll(now);
      out.push({ ...o10, count: a.orders10s.count }, { ...oDay, count: a.ordersDay.count });
    }
    out.push({ ...w, count: s.weight.count });
    return out;
  }

  /** REST headers: X-MBX-USED-WEIGHT-1M always, X-MBX-ORDER-COUNT-10S / -1D with `account`. */
  headers(ip: string, account?: string): Record<string, string> {
    const h: Record<string, string> = {};
    for (const r of this.status(ip, account)) {
      const tag = `${r.intervalNum}${r.interval[0]}`;
      h[r.rateLimitType === 'ORDERS' ? `X-MBX-ORDER-COUNT-${tag}` : `X-MBX-USED-WEIGHT-${tag}`] = String(r.count);
    }
    return h;
  }

  private banned(until: number): VenueError {
    return new VenueError(
      -1003,
      `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.`,
      418,
      until,
    );
  }

  private ip(ip: string): IpState {
    let s = this.ips.get(ip);
    if (!s) {
      s = { weight: new FixedWindow(MINUTE), weightLimitedUntil: 0, ordersLimitedUntil: 0, bannedUntil: 0, bans: 0 };
      this.ips.set(ip, s);
    }
    return s;
  }

  private account(id: string): AccountState {
    let a = this.accounts.get(id);
    if (!a) {
      a = { orders10s: new FixedWindow(10_000), ordersDay: new FixedWindow(DAY) };
      this.accounts.set(id, a);
    }
    return a;
  }
}
