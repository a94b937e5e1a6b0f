/**
 * Main's hand on the kill switch (the trading word of core/breaker/trading-state.ts),
 * for the control plane and for main's own upkeep. Workers only trip it
 * (the daily loss limit, in the exposure ledger); everything that releases
 * it or changes its reason is here, on main, so each change is logged once.
 *
 * The rule for the daily loss: a daily-loss kill is in force exactly while the
 * day's realized loss is at or over the limit. enforceDailyLoss() restores it
 * after anything that moves the limit or the loss from main's side (a reload,
 * the day roll, a restart): it trips the switch when a lowered limit is
 * already reached (a worker would only trip it on its next losing fill), and
 * releases a daily-loss kill that a raised limit or a new day no longer
 * justifies. An operator's or the supervisor's kill is never released here:
 * only releaseKill() does that.
 */
import type { Logger } from 'pino';
import { KILL_REASON_NAMES, KillReason, TRADING_MODE_NAMES } from '../core/breaker/trading-state.js';
import type { RiskState } from './risk-state.js';

export type KillResult = { ok: true } | { ok: false; reason: string };

export class KillSwitchControl {
  constructor(
    private readonly risk: RiskState,
    private readonly log: Logger,
  ) {}

  /** The kill reason in force ('operator', 'daily-loss-limit', 'supervisor'), or undefined. */
  reason(): string | undefined {
    const r = this.risk.registry.trading.killReason();
    return r === 0 ? undefined : (KILL_REASON_NAMES[r] ?? `reason ${r}`);
  }

  /**
   * Operator: halts all trading until releaseKill(). A kill already in force takes the
   * operator's reason, so that the day roll, which releases a daily-loss kill, keeps this one.
   */
  kill(note: string): KillResult {
    const was = this.risk.registry.trading.force(KillReason.OPERATOR);
    const from = was === 0 ? 'off' : KILL_REASON_NAMES[was];
    this.log.info({ kill: { from, to: 'operator' }, note }, `kill switch set by the operator (${note}): ${from} -> operator`);
    return { ok: true };
  }

  /** Operator: releases the kill switch, whatever tripped it, unless the day's loss is still at or over the limit. */
  releaseKill(): KillResult {
    const { registry, exposure } = this.risk;
    const was = this.reason();
    if (was === undefined) return { ok: false, reason: 'the kill switch is not tripped' };
    if (exposure.dailyLossReached()) {
      const reason = `the day's realized PnL ${exposure.dailyPnl()} is still at or over the daily loss limit; raise account.dailyLossLimit or wait for the day roll`;
      this.log.info({ kill: was }, `kill switch release refused: ${reason}`);
      return { ok: false, reason };
    }
    registry.trading.release();
    this.log.info({ kill: { from: was, to: 'off' }, trading: this.mode() }, `kill switch released by the operator: ${was} -> off; trading ${this.mode()}`);
    return { ok: true };
  }

  /** Main: makes the daily-loss kill match the day's loss against the limit (see the header); `why` goes in the log line. */
  enforceDailyLoss(why: string): void {
    const { registry, exposure } = this.risk;
    const reason = registry.trading.killReason();
    const reached = exposure.dailyLossReached();
    if (reached && reason === 0) {
      registry.trading.trip(KillReason.DAILY_LOSS);
      // Info: the breaker watcher's warn line (`breaker kill CLOSED -> FORCED_OPEN (daily-loss-limit)`) follows, as for a worker's trip.
      this.log.info({ kill: { from: 'off', to: 'daily-loss-limit' }, dailyPnl: exposure.dailyPnl() }, `kill switch tripped (${why}): the day's realized PnL ${exposure.dailyPnl()} is at or over the daily loss limit`);
    } else if (!reached && reason === KillReason.DAILY_LOSS) {
      registry.trading.release();
      this.log.info({ kill: { from: 'daily-loss-limit', to: 'off' }, dailyPnl: exposure.dailyPnl(), trading: this.mode() }, `kill switch released (${why}): the day's realized PnL ${exposure.dailyPnl()} is within the daily loss limit; trading ${this.mode()}`);
    }
  }

  private mode(): string {
    return TRADING_MODE_NAMES[this.risk.registry.trading.mode()];
  }
}
