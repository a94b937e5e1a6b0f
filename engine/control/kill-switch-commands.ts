/**
 * The operator's kill-switch rules, in one place so that a trading-day module
 * with its own release rules can replace them: `kill` trips the switch with
 * the operator reason; `release-kill` clears it, except while the day's
 * realized loss is at or over the daily loss limit (the switch would only trip
 * again on the next losing fill, and orders would be rejected DAILY_LOSS_LIMIT
 * anyway). SIGUSR2 toggles between the two, under the same refusal.
 */
import { KILL_REASON_NAMES, KillReason } from '../../core/breaker/trading-state.js';
import type { RiskState } from '../risk-state.js';

export interface KillSwitchAnswer {
  /** false: refused, `error` says why. */
  ok: boolean;
  /** Whether this command changed the switch. */
  changed: boolean;
  killed: boolean;
  killReason?: string;
  error?: string;
}

function answer(risk: RiskState, ok: boolean, changed: boolean, error?: string): KillSwitchAnswer {
  const reason = risk.registry.trading.killReason();
  return { ok, changed, killed: reason !== 0, ...(reason !== 0 ? { killReason: KILL_REASON_NAMES[reason] ?? String(reason) } : {}), ...(error ? { error } : {}) };
}

export function kill(risk: RiskState): KillSwitchAnswer {
  return answer(risk, true, risk.registry.trading.trip(KillReason.OPERATOR));
}

export function releaseKill(risk: RiskState): KillSwitchAnswer {
  if (risk.exposure.dailyLossReached()) {
    return answer(risk, false, false, `the day's realized PnL ${risk.exposure.dailyPnl()} is at or over the daily loss limit; the kill switch stays until the day's loss is back under it`);
  }
  return answer(risk, true, risk.registry.trading.release());
}

/** SIGUSR2: kill if not killed, else release (with release's refusal). */
export function toggleKill(risk: RiskState): KillSwitchAnswer {
  return risk.registry.trading.killReason() === 0 ? kill(risk) : releaseKill(risk);
}
