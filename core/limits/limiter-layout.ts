/**
 * The rate limiters' SharedArrayBuffer: every limiter of every venue, shared
 * by all workers, each rule's state one int32 changed only by CAS. Byte
 * offsets derived from CACHE_LINE_BYTES (header line: ipc/layout-header.ts):
 *
 *   0        4         8          12       16                                 128
 *   +--------+---------+----------+--------+----------------------------------+
 *   | magic  | version | limiters | rules  | routes i32[venue*MARKETS+market] |   header (main, creation only)
 *   +--------+---------+----------+--------+----------------------------------+
 *   magic, version  RATE_LIMITERS; every attach checks them and the size (limiterBytes).
 *   limiters, rules how many of each; routes: the limiter orders on (venue, market) draw from, -1 = none.
 *
 *   128: directory, 16 bytes per limiter (main, creation only):
 *        +0 firstRule i32, +4 ruleCount i32, +8 orderWeight i32
 *   RULES_BYTE(limiters): one 128-byte line per rule, so rules hammered by
 *   different requests never share a line:
 *        +0  state     i32  fixed window: windowTag << countBits | count in that window;
 *                           GCRA (token bucket, decaying counter): theoretical arrival time in µs, wrapping.
 *                           Writers: any thread admitting (CAS), main's maintain() (CAS).
 *        +4  kind      i32  RuleKind
 *        +8  counts    i32  RuleCounts: which part of a request's cost this rule counts
 *        +12 countBits i32  fixed window: bits of the count field (the tag has the other 31 - countBits)
 *        +16 limit     i32  fixed window: most requests per window (< 2^countBits)
 *        +20 emitUs    i32  GCRA: µs of virtual time one unit of cost takes (ceil(1e6 / rate): never faster)
 *        +24 tauUs     i32  GCRA: burst * emitUs, the most virtual time that may be booked ahead of now
 *        +32 windowNs  f64  fixed window length
 *        +40 offsetNs  f64  fixed window alignment: window index = floor((now + offsetNs) / windowNs)
 *        Parameters (+4..+47) are written by main at creation and on a live reload; readers use plain
 *        reads and may combine an old and a new parameter once, which stays within one of the two limits.
 *
 * Invariants. Fixed window: the count under a tag only grows by CAS from the value checked, to at most
 * `limit`, and a tag is replaced only by a later window's; so each window admits at most `limit`.
 * GCRA: the state never exceeds now + tauUs after an admission and grows by exactly cost * emitUs per
 * admitted unit; so the weight admitted between t0 and t is at most burst + (t - t0) / emitUs.
 */
import { CACHE_LINE_BYTES } from '../../ipc/cache-line.js';
import { HEADER_BYTES, HEADER_FIELDS_BYTE, checkLayoutBytes, readLayoutHeader, type LayoutId } from '../../ipc/layout-header.js';
import { MARKET_COUNT, VENUE_COUNT } from '../venue/venue.js';

export const RATE_LIMITERS: LayoutId = { name: 'rate-limiter buffer', magic: 0x524c494d /* 'RLIM' */, version: 1 };
export const MAX_LIMITERS = 64;

export const RuleKind = { FIXED_WINDOW: 1, GCRA: 2 } as const;
export const RuleCounts = { ORDERS: 0, WEIGHT: 1 } as const;

/** int32 indexes of the layout's own fields in the header line. */
const LIMITERS = HEADER_FIELDS_BYTE >> 2;
export const Header = { limiters: LIMITERS, rules: LIMITERS + 1, routes: LIMITERS + 2 } as const;
export const ROUTES = VENUE_COUNT * MARKET_COUNT;

export const DIRECTORY_BYTE = HEADER_BYTES;
export const DIRECTORY_ENTRY_I32 = 4;
export const Directory = { firstRule: 0, ruleCount: 1, orderWeight: 2 } as const;

/** int32 / float64 offsets within a rule line. */
export const RULE_I32 = CACHE_LINE_BYTES >> 2;
export const Rule = {
  state: 0,
  kind: 1,
  counts: 2,
  countBits: 3,
  limit: 4,
  emitUs: 5,
  tauUs: 6,
  windowNsF64: 4,
  offsetNsF64: 5,
} as const;

/** Largest booking ahead of now a GCRA rule may have (µs), leaving room to tell a stale clock from wrap-around. */
export const MAX_TAU_US = 2 ** 29;
/** A caller's `now` may lag the newest admission by this much (µs) and still be read as a lagging clock. */
export const STALE_US = 2 ** 25;

export function rulesByte(limiters: number): number {
  return DIRECTORY_BYTE + Math.ceil((limiters * DIRECTORY_ENTRY_I32 * 4) / CACHE_LINE_BYTES) * CACHE_LINE_BYTES;
}

export function limiterBytes(limiters: number, rules: number): number {
  return rulesByte(limiters) + rules * CACHE_LINE_BYTES;
}

/** Every attach: checks magic, version and size; returns the header line. */
export function attachRateLimiters(sab: SharedArrayBuffer): Int32Array {
  const header = readLayoutHeader(sab, RATE_LIMITERS);
  const limiters = header[Header.limiters];
  const rules = header[Header.rules];
  if (!(limiters >= 0 && limiters <= MAX_LIMITERS && rules >= 0)) throw new TypeError(`${RATE_LIMITERS.name}: ${limiters} limiters, ${rules} rules in its header`);
  checkLayoutBytes(sab, RATE_LIMITERS, limiterBytes(limiters, rules), `${limiters} limiters and ${rules} rules`);
  return header;
}
