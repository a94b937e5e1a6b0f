/**
 * The operator's commands while the engine runs, whatever they arrive by
 * (HTTP, the terminal, a signal): each returns a JSON answer and logs at info
 * what it changed. They only touch shared words with Atomics (the trading
 * word, the kill switch) or call main's own reload, so a command never waits
 * on a worker and a worker never waits on a command: workers read the trading
 * word on their next order.
 */
import type { Logger } from 'pino';
import { TRADING_MODE_NAMES, TradingMode } from '../../core/breaker/trading-state.js';
import type { RiskLine } from '../agents/risk-metrics.js';
import type { LimitsLoader } from '../limits-loader.js';
import type { RiskState } from '../risk-state.js';
import type { KillSwitchControl } from '../kill-switch.js';
import { kill, releaseKill, toggleKill, type KillSwitchAnswer } from './kill-switch-commands.js';
import type { PositionsView } from './positions.js';

export const COMMANDS = ['status', 'positions', 'halt', 'reduce', 'resume', 'kill', 'release-kill', 'reload'] as const;
export type Command = (typeof COMMANDS)[number];

export interface CommandAnswer {
  /** HTTP status: 200, or 409 for a refused command. */
  status: number;
  body: Record<string, unknown>;
}

export interface ControlDeps {
  risk: RiskState;
  /** The engine's kill switch and its rules. */
  killSwitch: KillSwitchControl;
  riskLine: () => RiskLine;
  limits: LimitsLoader;
  positions: PositionsView;
  /** Per worker, the shared-clock ns at which the halt in force reached it (WorkerStat.haltSeenNs; 0 = trading there). */
  haltSeenNs: () => number[];
  log: Logger;
}

const MODE_OF = { halt: TradingMode.HALTED, reduce: TradingMode.REDUCING, resume: TradingMode.ACTIVE } as const;

export class ControlCommands {
  constructor(private readonly deps: ControlDeps) {}

  run(command: Command, via: string): CommandAnswer {
    const d = this.deps;
    switch (command) {
      case 'status':
        return { status: 200, body: { ...d.riskLine(), configured: TRADING_MODE_NAMES[d.risk.registry.trading.configured()], dailyLossLimit: d.limits.current().account.dailyLossLimit, positions: d.positions.snapshot().totals, haltSeenNs: d.haltSeenNs() } };
      case 'positions':
        return { status: 200, body: d.positions.snapshot() };
      case 'halt':
      case 'reduce':
      case 'resume':
        return this.setMode(command, MODE_OF[command], via);
      case 'kill':
        return this.killSwitch(command, kill(d.killSwitch, d.risk, via), via);
      case 'release-kill':
        return this.killSwitch(command, releaseKill(d.killSwitch, d.risk), via);
      case 'reload': {
        const r = d.limits.reload(`operator ${via}`);
        return { status: r.outcome === 'refused' ? 409 : 200, body: { ...r } };
      }
    }
  }

  /** SIGUSR2. */
  toggleKill(): CommandAnswer {
    return this.killSwitch('toggle-kill', toggleKill(this.deps.killSwitch, this.deps.risk), 'SIGUSR2');
  }

  private setMode(command: Command, mode: TradingMode, via: string): CommandAnswer {
    const trading = this.deps.risk.registry.trading;
    const before = TRADING_MODE_NAMES[trading.configured()];
    trading.setConfigured(mode);
    const after = TRADING_MODE_NAMES[mode];
    this.deps.log.info({ command, via, configured: { from: before, to: after } }, `control ${command} (${via}): trading mode ${before} -> ${after}`);
    // The kill switch outranks the mode: say so, rather than let `resume` look like trading resumed.
    const killed = trading.killReason() !== 0;
    return { status: 200, body: { ok: true, changed: before !== after, configured: after, trading: TRADING_MODE_NAMES[trading.mode()], ...(killed ? { note: 'the kill switch is on: orders stay rejected until release-kill' } : {}) } };
  }

  private killSwitch(command: string, a: KillSwitchAnswer, via: string): CommandAnswer {
    const what = a.ok ? (a.changed ? (a.killed ? 'kill switch on' : 'kill switch released') : `no change (kill switch ${a.killed ? 'on' : 'off'})`) : `refused: ${a.error}`;
    this.deps.log.info({ command, via, ...a }, `control ${command} (${via}): ${what}`);
    return { status: a.ok ? 200 : 409, body: { ...a } };
  }
}
