/**
 * Account-wide gross exposure and daily realized PnL, shared by every worker
 * through one SharedArrayBuffer, in integer fixed point (Int32: Atomics on
 * BigInt64Array would allocate a BigInt per operation).
 *
 * Layout (byte offsets derived from CACHE_LINE_BYTES; one writer class per line):
 *   0                  128                  256                  384                                      512
 *   +------------------+--------------------+--------------------+----------------------------------------+
 *   | magic   i32 @0   | used       i32 @128| dailyPnl   i32 @256| grossLimit i32 @384  lossLimit i32 @388 |
 *   | version i32 @4   | (all workers: CAS, | (all workers: add; | day        i32 @392                    |
 *   | (creator, once)  |  add)              |  main: reset)      | expQuantum f64 @400  pnlQuantum f64 @408|
 *   +------------------+--------------------+--------------------+----------------------------------------+
 *   magic, version  the header line of ipc/layout-header.ts: EXPOSURE_LEDGER, checked by every attach.
 *   used        exposure units in use: open-order reservations plus position exposure.
 *               Invariant: a reservation succeeds only if used + units <= grossLimit at that instant,
 *               so reservations alone never take used above the limit, however many threads race.
 *   dailyPnl    realized PnL since the day began, in PnL units (negative = loss).
 *   grossLimit  exposure units; lossLimit: PnL units (> 0; the kill switch trips at dailyPnl <= -lossLimit).
 *               Written by main (config, intraday changes); read with plain loads.
 *   day         the day number dailyPnl belongs to (main).
 *   expQuantum, pnlQuantum: quote currency per unit; the creator, once.
 *
 * Flow: accept an order -> tryReserve(notional units); reject/cancel -> release(units);
 * fill -> settle(reserved part, change in |position| notional) in one add.
 */
import { CACHE_LINE_BYTES } from '../../ipc/cache-line.js';
import { HEADER_BYTES, checkLayoutBytes, readLayoutHeader, writeLayoutHeader, type LayoutId } from '../../ipc/layout-header.js';
import { KillReason, type KillSwitch } from '../breaker/trading-state.js';

export const EXPOSURE_LEDGER: LayoutId = { name: 'exposure ledger', magic: 0x4558504c /* 'EXPL' */, version: 1 };

const USED_BYTE = HEADER_BYTES;
const DAILY_PNL_BYTE = USED_BYTE + CACHE_LINE_BYTES;
const LIMITS_BYTE = DAILY_PNL_BYTE + CACHE_LINE_BYTES;
export const EXPOSURE_LEDGER_BYTES = LIMITS_BYTE + CACHE_LINE_BYTES;

/** int32 / float64 indexes of the fields. */
const USED = USED_BYTE >> 2;
const DAILY_PNL = DAILY_PNL_BYTE >> 2;
const GROSS_LIMIT = LIMITS_BYTE >> 2;
const LOSS_LIMIT = GROSS_LIMIT + 1;
const DAY = GROSS_LIMIT + 2;
const EXP_QUANTUM_F64 = (LIMITS_BYTE + 16) >> 3;
const PNL_QUANTUM_F64 = EXP_QUANTUM_F64 + 1;

/** Largest unit count a field holds with headroom: Atomics.add wraps at 2^31. */
export const MAX_LEDGER_UNITS = 2 ** 30;

export interface LedgerQuanta {
  /** Quote currency per exposure unit (default 1). Limits / quantum must stay below 2^30. */
  exposureQuantum: number;
  /** Quote currency per PnL unit (default 0.01). */
  pnlQuantum: number;
}

export function createExposureLedger(quanta: LedgerQuanta = { exposureQuantum: 1, pnlQuantum: 0.01 }): SharedArrayBuffer {
  if (!(quanta.exposureQuantum > 0) || !(quanta.pnlQuantum > 0)) throw new RangeError('ledger quanta must be > 0');
  const sab = new SharedArrayBuffer(EXPOSURE_LEDGER_BYTES);
  writeLayoutHeader(sab, EXPOSURE_LEDGER);
  const f64 = new Float64Array(sab);
  f64[EXP_QUANTUM_F64] = quanta.exposureQuantum;
  f64[PNL_QUANTUM_F64] = quanta.pnlQuantum;
  return sab;
}

export class ExposureLedger {
  private readonly i32: Int32Array;
  readonly exposureQuantum: number;
  readonly pnlQuantum: number;
  private readonly invExposureQuantum: number;
  private readonly invPnlQuantum: number;

  constructor(
    sab: SharedArrayBuffer,
    private readonly killSwitch: KillSwitch,
  ) {
    readLayoutHeader(sab, EXPOSURE_LEDGER);
    checkLayoutBytes(sab, EXPOSURE_LEDGER, EXPOSURE_LEDGER_BYTES, 'one account');
    this.i32 = new Int32Array(sab);
    const f64 = new Float64Array(sab);
    this.exposureQuantum = f64[EXP_QUANTUM_F64];
    this.pnlQuantum = f64[PNL_QUANTUM_F64];
    this.invExposureQuantum = 1 / this.exposureQuantum;
    this.invPnlQuantum = 1 / this.pnlQuantum;
  }

  /** Exposure units of a notional, rounded up so the ledger never under-counts. */
  units(notional: number): number {
    return Math.ceil(notional * this.invExposureQuantum);
  }

  /**
   * Reserves `units` (an integer >= 0) if that keeps used <= limit. The CAS
   * succeeds only from the value that was checked, so when every worker races
   * for the last unit exactly one gets it.
   */
  tryReserve(units: number): boolean {
    const i32 = this.i32;
    const limit = i32[GROSS_LIMIT]; // plain read: the limit is a value, it orders nothing
    // Plain first read (an Atomics.load costs ~15 ns here, a call V8 does not inline):
    // the CAS accepts only from the value it finds and hands that value back when ours was old.
    let v = i32[USED];
    for (;;) {
      if (v + units > limit) return false;
      const seen = Atomics.compareExchange(i32, USED, v, v + units);
      if (seen === v) return true;
      v = seen;
    }
  }

  /** Gives back a reservation (order rejected downstream, cancelled or expired). */
  release(units: number): void {
    Atomics.sub(this.i32, USED, units);
  }

  /**
   * A fill: the reserved units of the filled part are released and the
   * position's gross exposure changes by `exposureDeltaUnits` (negative when
   * the fill reduced the position), in one add.
   */
  settle(reservedUnits: number, exposureDeltaUnits: number): void {
    Atomics.add(this.i32, USED, exposureDeltaUnits - reservedUnits);
  }

  /** Exposure units in use now. */
  used(): number {
    return Atomics.load(this.i32, USED);
  }

  /** Gross exposure limit in units. */
  limit(): number {
    return Atomics.load(this.i32, GROSS_LIMIT);
  }

  /** Daily loss limit in PnL units (0 = none). */
  lossLimit(): number {
    return Atomics.load(this.i32, LOSS_LIMIT);
  }

  /** Today's realized PnL in PnL units. */
  dailyPnlUnits(): number {
    return Atomics.load(this.i32, DAILY_PNL);
  }

  /**
   * Adds realized PnL (quote currency; a loss is negative). Trips the kill
   * switch when the day's PnL reaches minus the daily loss limit; true if this
   * call tripped it.
   */
  recordRealizedPnl(pnl: number): boolean {
    return this.recordRealizedPnlUnits(Math.round(pnl * this.invPnlQuantum));
  }

  /** recordRealizedPnl() in PnL units (an int32): hot paths pass an integer, which V8 never boxes. */
  recordRealizedPnlUnits(u: number): boolean {
    // CAS with saturation at +-MAX_LEDGER_UNITS: a day of profits must never wrap the int32 into a "loss".
    const i32 = this.i32;
    let cur = i32[DAILY_PNL]; // plain first read: the CAS checks it (as in tryReserve)
    let next = 0;
    for (;;) {
      next = cur + u;
      if (next > MAX_LEDGER_UNITS) next = MAX_LEDGER_UNITS;
      else if (next < -MAX_LEDGER_UNITS) next = -MAX_LEDGER_UNITS;
      const seen = Atomics.compareExchange(i32, DAILY_PNL, cur, next);
      if (seen === cur) break;
      cur = seen;
    }
    const lossLimit = this.i32[LOSS_LIMIT];
    return lossLimit > 0 && next <= -lossLimit && this.killSwitch.trip(KillReason.DAILY_LOSS);
  }

  /** True once today's realized loss has reached the daily loss limit (the check list's DAILY_LOSS). */
  dailyLossReached(): boolean {
    const lossLimit = this.i32[LOSS_LIMIT];
    // Plain read: only the value matters, nothing is ordered by it (like a breaker's allow()).
    return lossLimit > 0 && this.i32[DAILY_PNL] <= -lossLimit;
  }

  /** Today's realized PnL in quote currency. */
  dailyPnl(): number {
    return Atomics.load(this.i32, DAILY_PNL) * this.pnlQuantum;
  }

  /** The day number the PnL belongs to. */
  day(): number {
    return Atomics.load(this.i32, DAY);
  }

  /**
   * Main: sets the limits in quote currency (gross exposure; daily loss, 0 = none).
   * Throws when a limit does not fit the fixed point. Takes effect on the next check.
   */
  setLimits(grossExposure: number, dailyLoss: number): void {
    const g = Math.floor(grossExposure * this.invExposureQuantum);
    const l = Math.floor(dailyLoss * this.invPnlQuantum);
    if (!(g >= 0 && g <= MAX_LEDGER_UNITS)) throw new RangeError(`gross exposure limit ${grossExposure} does not fit ${MAX_LEDGER_UNITS} units of ${this.exposureQuantum}`);
    if (!(l >= 0 && l <= MAX_LEDGER_UNITS)) throw new RangeError(`daily loss limit ${dailyLoss} does not fit ${MAX_LEDGER_UNITS} units of ${this.pnlQuantum}`);
    this.setLimitUnits(g, l);
  }

  /** setLimits() in units, as limit() and lossLimit() give them (no rounding through quote currency). */
  setLimitUnits(grossUnits: number, lossUnits: number): void {
    for (const u of [grossUnits, lossUnits]) if (!(Number.isInteger(u) && u >= 0 && u <= MAX_LEDGER_UNITS)) throw new RangeError(`ledger limit ${u} units is not an integer in 0..${MAX_LEDGER_UNITS}`);
    Atomics.store(this.i32, GROSS_LIMIT, grossUnits);
    Atomics.store(this.i32, LOSS_LIMIT, lossUnits);
  }

  /** Main, at the day boundary: PnL starts again from zero. The kill switch stays as it is. */
  startDay(day: number): void {
    Atomics.store(this.i32, DAY, day);
    Atomics.store(this.i32, DAILY_PNL, 0);
  }
}
