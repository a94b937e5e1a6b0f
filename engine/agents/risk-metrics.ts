/**
 * Main's once-a-second view of the shared risk state for the metrics line:
 * breaker states, trading mode and kill reason, gross exposure used against
 * its limit, and the day's realized PnL; plus the short table column.
 */
import type { BreakerWatcher } from '../../core/breaker/breaker-watcher.js';
import type { RiskState } from '../../engine/risk-state.js';
import { KILL_REASON_NAMES, TRADING_MODE_NAMES } from '../../core/breaker/trading-state.js';

export interface RiskLine {
  trading: string;
  killReason?: string;
  breakers: Record<string, string>;
  exposure: { used: number; limit: number };
  dailyPnl: number;
}

export function riskLine(state: RiskState, watcher: BreakerWatcher): RiskLine {
  const t = state.registry.trading;
  const kill = t.killReason();
  const q = state.exposure.exposureQuantum;
  return {
    trading: TRADING_MODE_NAMES[t.mode()],
    ...(kill !== 0 ? { killReason: KILL_REASON_NAMES[kill] ?? String(kill) } : {}),
    breakers: watcher.states(),
    exposure: { used: state.exposure.used() * q, limit: state.exposure.limit() * q },
    dailyPnl: Math.round(state.exposure.dailyPnl() * 100) / 100,
  };
}

/** Width of the table's risk column. */
const COLUMN = 22;

/**
 * e.g. `ACT ccc 3% -12 u+40` : mode, breaker initials per venue, exposure used %, daily
 * (realized) PnL, and the positions' unrealized PnL when it fits in the column.
 */
export function riskColumn(line: RiskLine, unrealizedPnl: number): string {
  const used = line.exposure.limit > 0 ? Math.round((100 * line.exposure.used) / line.exposure.limit) : 0;
  const brk = Object.values(line.breakers).map((s) => s[0].toLowerCase()).join('');
  const base = `${line.trading.slice(0, 3)} ${brk} ${used}% ${Math.round(line.dailyPnl)}`;
  const u = Math.round(unrealizedPnl);
  const withUnrealized = `${base} u${u >= 0 ? '+' : ''}${u}`;
  return withUnrealized.length <= COLUMN ? withUnrealized : base;
}
