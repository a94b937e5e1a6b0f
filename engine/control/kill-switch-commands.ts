/**
 * The kill-switch commands (`kill`, `release-kill`, SIGUSR2's toggle) as the
 * control plane answers them. The rules are the engine's one kill switch
 * (engine/kill-switch.ts): `kill` sets an operator kill (which the day roll
 * keeps); `release-kill` clears it except while the day's realized loss is at
 * or over the daily loss limit. Releasing a switch that is off changes
 * nothing and is not an error here: the answer says it stays off.
 */
import { KILL_REASON_NAMES } from '../../core/breaker/trading-state.js';
import type { KillSwitchControl } from '../kill-switch.js';
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

function answer(risk: RiskState, ok: boolean, before: number, error?: string): KillSwitchAnswer {
  const reason = risk.registry.trading.killReason();
  return { ok, changed: reason !== before, killed: reason !== 0, ...(reason !== 0 ? { killReason: KILL_REASON_NAMES[reason] ?? String(reason) } : {}), ...(error ? { error } : {}) };
}

export function kill(switcher: KillSwitchControl, risk: RiskState, via: string): KillSwitchAnswer {
  const before = risk.registry.trading.killReason();
  switcher.kill(via);
  return answer(risk, true, before);
}

export function releaseKill(switcher: KillSwitchControl, risk: RiskState): KillSwitchAnswer {
  const before = risk.registry.trading.killReason();
  if (before === 0) return answer(risk, true, before);
  const r = switcher.releaseKill();
  return answer(risk, r.ok, before, r.ok ? undefined : r.reason);
}

/** SIGUSR2: kill if not killed, else release (with release's refusal). */
export function toggleKill(switcher: KillSwitchControl, risk: RiskState): KillSwitchAnswer {
  return risk.registry.trading.killReason() === 0 ? kill(switcher, risk, 'SIGUSR2') : releaseKill(switcher, risk);
}
