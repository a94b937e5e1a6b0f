/**
 * The trading day on main: when it rolls, and what survives a restart.
 *
 * A trading day begins at account.dayRollUtc (HH:MM, UTC) and lasts 24 hours.
 * At the roll the day's realized PnL starts again from 0 (ExposureLedger.startDay)
 * and a daily-loss kill is released; an operator's or the supervisor's kill stays.
 *
 * The state file (state-file.ts) keeps the day, its realized PnL, the configured
 * mode and a kill in force. start() reads it before any order: on the same
 * trading day the loss, the kill and a stricter mode than the limits file's come
 * back (so a restart cannot get around the daily loss limit or lift a halt);
 * a file from an earlier day starts a new day and keeps only an operator's or
 * supervisor's kill and the mode. poll(), once a second on main's event loop
 * and once more at stop, rolls the day when due and writes the file when what
 * it holds changed. Nothing here runs on the order path: the workers only add
 * to the shared words that poll() reads.
 *
 * The wall clock is injected (ms since the epoch), so tests move the day by hand.
 */
import type { Logger } from 'pino';
import { KILL_REASON_NAMES, KillReason, TRADING_MODE_NAMES, TradingMode } from '../core/breaker/trading-state.js';
import type { KillSwitchControl } from './kill-switch.js';
import type { RiskState } from './risk-state.js';
import { STATE_FILE_VERSION, StateFileError, ensureStateDir, readStateFile, stateFilePath, writeStateFile, type StateFile } from './state-file.js';

const DAY_MS = 86_400_000;

/** When the trading day holding `nowMs` began, for a roll at `rollUtc` (HH:MM). */
export function dayStartMs(nowMs: number, rollUtc: string): number {
  const [h, m] = rollUtc.split(':').map(Number);
  const rollMs = (h * 60 + m) * 60_000;
  return Math.floor((nowMs - rollMs) / DAY_MS) * DAY_MS + rollMs;
}

export interface TradingDayDeps {
  risk: RiskState;
  kill: KillSwitchControl;
  /** The state directory (--state-dir); created if missing. */
  stateDir: string;
  /** account.dayRollUtc of the limits in force (a reload may change it). */
  rollUtc: () => string;
  /** Wall-clock milliseconds since the epoch. */
  wallClockMs: () => number;
  log: Logger;
}

export class TradingDay {
  private dayStart = NaN;
  /** When the kill in force was seen first (wall clock), for the file; it survives restarts through the file. */
  private killAt: string | undefined;
  private killSeen = 0;
  private written = '';
  private writeFailing = false;

  constructor(private readonly d: TradingDayDeps) {}

  /** Reads the state file and restores what it holds; throws StateFileError (one line) when it cannot be used. */
  start(): void {
    const { risk, log } = this.d;
    ensureStateDir(this.d.stateDir);
    const saved = readStateFile(this.d.stateDir);
    const now = this.d.wallClockMs();
    this.beginDay(dayStartMs(now, this.d.rollUtc()));
    const path = stateFilePath(this.d.stateDir);
    if (saved === undefined) {
      log.info({ stateFile: path, dayStart: iso(this.dayStart) }, `no state file at ${path}: a new trading day from ${iso(this.dayStart)}`);
    } else {
      const savedStart = Date.parse(saved.dayStart);
      if (savedStart > now) throw new StateFileError(`state file ${path}: dayStart ${saved.dayStart} is after the clock's ${iso(now)}; check the clock, or fix or remove the file`);
      const sameDay = savedStart >= this.dayStart;
      const killCode = saved.kill ? KILL_REASON_NAMES.indexOf(saved.kill.reason) : 0;
      // A daily-loss kill belongs to its day; the others stay until someone releases them.
      if (killCode !== 0 && (sameDay || killCode !== KillReason.DAILY_LOSS)) {
        risk.registry.trading.force(killCode);
        this.killAt = saved.kill?.at;
        this.killSeen = killCode;
      }
      const mode = TradingMode[saved.tradingState];
      if (mode > risk.registry.trading.configured()) risk.registry.trading.setConfigured(mode);
      if (sameDay) risk.exposure.recordRealizedPnl(saved.dailyPnl);
      const kept = { dailyPnl: risk.exposure.dailyPnl(), tradingState: TRADING_MODE_NAMES[risk.registry.trading.configured()], kill: this.d.kill.reason() ?? 'off' };
      if (sameDay) log.info({ stateFile: path, dayStart: saved.dayStart, ...kept }, `state file ${path}: resuming the trading day of ${saved.dayStart}: realized PnL ${kept.dailyPnl}, trading ${kept.tradingState}, kill ${kept.kill}`);
      else log.info({ stateFile: path, savedDayStart: saved.dayStart, dayStart: iso(this.dayStart), savedDailyPnl: saved.dailyPnl, ...kept }, `state file ${path} is from the trading day of ${saved.dayStart}: a new day from ${iso(this.dayStart)}, realized PnL 0 (was ${saved.dailyPnl}), trading ${kept.tradingState}, kill ${kept.kill}`);
    }
    this.d.kill.enforceDailyLoss('restart');
    this.persist();
  }

  /** Main, once a second and at stop: rolls the day when due, then writes the file if what it holds changed. */
  poll(): void {
    const start = dayStartMs(this.d.wallClockMs(), this.d.rollUtc());
    // Only forward: a clock stepped back must not start the day again.
    if (start > this.dayStart) {
      const ended = this.d.risk.exposure.dailyPnl();
      this.beginDay(start);
      this.d.log.info({ dayStart: iso(start), dayRollUtc: this.d.rollUtc(), endedDailyPnl: ended }, `trading day rolled at ${iso(start)} (dayRollUtc ${this.d.rollUtc()}): realized PnL 0 (the day that ended: ${ended})`);
      this.d.kill.enforceDailyLoss('day roll');
    }
    this.persist();
  }

  private beginDay(start: number): void {
    this.dayStart = start;
    this.d.risk.exposure.startDay(Math.floor(start / DAY_MS));
  }

  private persist(): void {
    const { registry, exposure } = this.d.risk;
    const reason = registry.trading.killReason();
    if (reason !== this.killSeen) {
      this.killSeen = reason;
      this.killAt = reason === 0 ? undefined : iso(this.d.wallClockMs());
    }
    const state: Omit<StateFile, 'writtenAt'> = {
      version: STATE_FILE_VERSION,
      dayStart: iso(this.dayStart),
      dailyPnl: exposure.dailyPnl(),
      tradingState: TRADING_MODE_NAMES[registry.trading.configured()],
      kill: reason === 0 ? null : { reason: KILL_REASON_NAMES[reason], at: this.killAt ?? iso(this.d.wallClockMs()) },
    };
    const key = JSON.stringify(state);
    if (key === this.written) return;
    try {
      writeStateFile(this.d.stateDir, { ...state, writtenAt: iso(this.d.wallClockMs()) });
      this.written = key;
      if (this.writeFailing) this.d.log.info({ stateFile: stateFilePath(this.d.stateDir) }, 'state file written again');
      this.writeFailing = false;
    } catch (e) {
      // Logged once, retried every poll: the old file stays whole, and trading goes on.
      if (!this.writeFailing) this.d.log.error({ stateFile: stateFilePath(this.d.stateDir) }, `state file ${stateFilePath(this.d.stateDir)}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); retrying every second`);
      this.writeFailing = true;
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
