/**
 * Warm-up's rare outcomes: states of the scratch risk state under which the
 * check list gives each reject reason that traffic reaches late or seldom
 * (a position limit, half a minute into a --rate max run; the kill switch;
 * an open breaker; a venue's Retry-After; REDUCING mode; a limits reload).
 * A branch that warm-up never took is compiled as a deoptimisation: the first
 * order to take it in traffic throws the worker's optimised batch loop away,
 * and until V8 has compiled it again the interpreter boxes every double
 * (measured before this: 5 to 7 scavenges of the worker at the first
 * POSITION_LIMIT, 25 to 36 s into --rate max runs). Each step changes the
 * scratch copies only (warm-up's own limits table, breaker board and ledger);
 * clear() puts them back as they were copied.
 */
import { BreakerRegistry } from '../core/breaker/breaker-registry.js';
import { KillReason, TradingMode } from '../core/breaker/trading-state.js';
import type { MonotonicClock } from '../core/clock/monotonic-clock.js';
import { ExposureLedger } from '../core/risk/exposure-ledger.js';
import { readLimitsTable, writeLimitsTable, type SymbolLimitRow, type VarLimitRow } from '../core/risk/limits-table.js';
import type { RiskBuffers } from '../core/risk/pre-trade-checks.js';
import { Reason } from '../core/risk/reject-reason.js';

/** A VaR limit no order that adds risk fits under (quote). */
const TINY_VAR = 1e-9;
/** A venue backoff that outlasts any step (ns). */
const LONG_BACKOFF_NS = 3_600e9;
/** Passes (source, then worker) for the orders in flight when a step begins to be decided and filled. */
export const SETTLE_PASSES = 2;

export interface WeatherStep {
  /** The reason the step is there for. */
  readonly reason: number;
  apply(): void;
  /** Called before each pass while the step lasts (then at least SETTLE_PASSES + 2 passes), for a state traffic itself would end. */
  hold?(): void;
}

export class RiskWeather {
  /** In order; each starts from the state clear() restores. */
  readonly steps: readonly WeatherStep[];
  private readonly rows: SymbolLimitRow[];
  private readonly account: VarLimitRow;
  private readonly registry: BreakerRegistry;
  private readonly ledger: ExposureLedger;
  private readonly board: Uint8Array;
  private readonly boardCopy: Uint8Array;
  private readonly grossUnits: number;
  private readonly lossUnits: number;
  private readonly pnlUnits: number;
  private passes = 0;

  /** `varCheck`: the warm-up worker has a VaR check (--correlation on), so VAR_LIMIT can come. */
  constructor(
    private readonly risk: RiskBuffers,
    private readonly clock: MonotonicClock,
    varCheck: boolean,
  ) {
    ({ rows: this.rows, account: this.account } = readLimitsTable(risk.table));
    this.registry = new BreakerRegistry(risk.board, clock);
    this.ledger = new ExposureLedger(risk.ledger, this.registry.trading);
    this.board = new Uint8Array(risk.board);
    this.boardCopy = this.board.slice();
    this.grossUnits = this.ledger.limit();
    this.lossUnits = this.ledger.lossLimit();
    this.pnlUnits = this.ledger.dailyPnlUnits();
    const trading = this.registry.trading;
    const steps: WeatherStep[] = [
      { reason: Reason.POSITION_LIMIT, apply: () => this.rowsWith({ maxPosition: 0 }) },
      { reason: Reason.OPEN_ORDERS_LIMIT, apply: () => this.rowsWith({ maxOpenOrders: 0 }) },
      { reason: Reason.OPEN_NOTIONAL_LIMIT, apply: () => this.rowsWith({ maxOpenNotional: 0 }) },
      { reason: Reason.SYMBOL_DISABLED, apply: () => this.rowsWith({ enabled: false }) },
      { reason: Reason.GROSS_EXPOSURE_LIMIT, apply: () => this.ledger.setLimitUnits(0, this.lossUnits) },
      // The smallest loss limit: the worker's own fill path trips the kill switch at the first loss.
      { reason: Reason.TRADING_HALTED, apply: () => this.ledger.setLimitUnits(this.grossUnits, 1) },
      {
        reason: Reason.DAILY_LOSS_LIMIT,
        apply: () => {
          this.ledger.setLimitUnits(this.grossUnits, 1);
          this.ledger.recordRealizedPnlUnits(-2);
          this.passes = 0;
        },
        // The loss stands and the kill is released (an operator's release before the day rolls),
        // once the fills of orders accepted before the step have come in: one of them losing
        // would trip the kill again before the pass's orders. Every order is rejected meanwhile.
        hold: () => {
          if (++this.passes > SETTLE_PASSES) trading.release();
        },
      },
      {
        reason: Reason.CIRCUIT_OPEN,
        apply: () => {
          for (const b of this.registry.breakers) b.forceOpen(this.clock.nowNs());
        },
      },
      {
        reason: Reason.RATE_LIMITED,
        apply: () => trading.backoffUntilNs.fill(this.clock.nowNs() + LONG_BACKOFF_NS),
      },
      { reason: Reason.REDUCE_ONLY_MODE, apply: () => trading.setConfigured(TradingMode.REDUCING) },
      { reason: Reason.TRADING_HALTED, apply: () => trading.trip(KillReason.OPERATOR, this.clock.nowNs()) },
    ];
    if (varCheck) steps.push({ reason: Reason.VAR_LIMIT, apply: () => writeLimitsTable(this.risk.table, this.rows, { ...this.account, limit: TINY_VAR }) });
    this.steps = steps;
  }

  /** The scratch state as it was copied: limits (a new version), board, ledger limits and the day's PnL. */
  clear(): void {
    writeLimitsTable(this.risk.table, this.rows, this.account);
    this.ledger.setLimitUnits(this.grossUnits, this.lossUnits);
    this.ledger.startDay(this.ledger.day());
    this.ledger.recordRealizedPnlUnits(this.pnlUnits);
    this.board.set(this.boardCopy);
  }

  private rowsWith(change: Partial<SymbolLimitRow>): void {
    writeLimitsTable(this.risk.table, this.rows.map((r) => ({ ...r, ...change })), this.account);
  }
}
