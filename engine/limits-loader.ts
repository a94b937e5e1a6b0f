/**
 * Main's side of the limits config while the engine runs: re-reads the file
 * on SIGHUP or when it changes and applies it to the shared risk state that
 * risk-state.ts laid out at start. A file that fails validation, or asks
 * for a change the running layout cannot take (a window size, a quantum, the
 * set of rate limiters), is refused with one line and the old limits stay.
 * Every applied change is logged with each value that changed, old -> new,
 * and a changed daily loss limit is enforced at once (kill-switch.ts).
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { breakerLayoutDiffers } from '../core/breaker/breaker-settings.js';
import { TradingMode } from '../core/breaker/trading-state.js';
import { LimitsConfigError, checkLimitSymbols, readLimitsConfig, symbolLimitRows, varLimitRow, venueBreakerSettings, type LimitsConfig } from '../core/config/limits-config.js';
import { applyLimiterChange, compileLimiters, limiterChangeBlocker } from '../core/limits/rate-limiter.js';
import { writeLimitsTable } from '../core/risk/limits-table.js';
import { VENUE_NAMES } from '../core/venue/venue.js';
import { KillSwitchControl } from './kill-switch.js';
import type { RiskState } from './risk-state.js';

/** Leaf values by dotted path, for the change log. */
function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, JSON.stringify(value));
  return out;
}

/** `path: old -> new` for every value that differs. */
export function limitsChanges(before: LimitsConfig, after: LimitsConfig): string[] {
  const a = flatten(before, '', new Map());
  const b = flatten(after, '', new Map());
  const out: string[] = [];
  for (const [k, v] of b) if (a.get(k) !== v) out.push(`${k}: ${a.get(k) ?? '(unset)'} -> ${v}`);
  for (const [k, v] of a) if (!b.has(k)) out.push(`${k}: ${v} -> (unset)`);
  return out;
}

/**
 * Why the running state cannot take `next`, or undefined. `liveOrders`: the
 * open orders a worker's live-order table holds (sized at start by
 * --live-orders): a larger maxOpenOrders would be a limit the table rejects
 * first (OPEN_ORDER_TABLE_FULL), not the one the operator set.
 */
function restartNeeded(current: LimitsConfig, next: LimitsConfig, symbols: readonly string[], liveOrders: number): string | undefined {
  const rows = symbolLimitRows(next, symbols);
  const over = rows.findIndex((r) => r.maxOpenOrders > liveOrders);
  if (over >= 0) return `maxOpenOrders ${rows[over].maxOpenOrders} for ${symbols[over]}: a worker's live-order table holds ${liveOrders} (--live-orders); a larger table needs a restart`;
  const a = venueBreakerSettings(current);
  const b = venueBreakerSettings(next);
  for (const v of VENUE_NAMES) if (breakerLayoutDiffers(a[v], b[v])) return `breakers.${v}: a new window type or size needs a restart`;
  if (current.account.exposureQuantum !== next.account.exposureQuantum) return 'account.exposureQuantum: needs a restart';
  if (current.account.pnlQuantum !== next.account.pnlQuantum) return 'account.pnlQuantum: needs a restart';
  const blocker = limiterChangeBlocker(compileLimiters(current.rateLimits), compileLimiters(next.rateLimits));
  return blocker && `rateLimits: ${blocker} needs a restart`;
}

export type ReloadOutcome = 'applied' | 'unchanged' | 'refused';

/** A reload's outcome, with the values it changed (`path: old -> new`) or why it was refused. */
export interface ReloadResult {
  outcome: ReloadOutcome;
  changes?: string[];
  reason?: string;
}

export class LimitsLoader {
  private config: LimitsConfig;
  private text: string;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly onHup = (): void => void this.reload('SIGHUP');
  private readonly kill: KillSwitchControl;

  constructor(
    readonly path: string,
    initial: { config: LimitsConfig; text: string },
    private readonly state: RiskState,
    private readonly logger: Logger,
    /** Open orders one worker's live-order table holds (usableLiveOrders of --live-orders): a reload may not allow more. */
    private readonly liveOrders = Infinity,
  ) {
    this.config = initial.config;
    this.text = initial.text;
    this.kill = new KillSwitchControl(state, logger);
  }

  /** The limits in force. */
  current(): LimitsConfig {
    return this.config;
  }

  /** Re-reads the file and applies it, or refuses it and keeps the old limits. */
  reload(trigger: string): ReloadResult {
    let next: { config: LimitsConfig; text: string };
    let unused: string[];
    try {
      next = readLimitsConfig(this.path);
      unused = checkLimitSymbols(next.config, this.state.symbols, this.path);
    } catch (e) {
      if (!(e instanceof LimitsConfigError)) throw e;
      this.logger.error({ trigger }, `${e.message}; old limits kept`);
      return { outcome: 'refused', reason: e.message };
    }
    if (next.text === this.text) {
      // Said at info: an operator who sent SIGHUP is owed an answer, and a file event that changed nothing is rare.
      this.logger.info({ trigger }, `limits config ${this.path}: limits unchanged (${trigger})`);
      return { outcome: 'unchanged' };
    }
    const blocker = restartNeeded(this.config, next.config, this.state.symbols, this.liveOrders);
    if (blocker) {
      this.logger.error({ trigger }, `limits config ${this.path}: ${blocker}; old limits kept`);
      return { outcome: 'refused', reason: `limits config ${this.path}: ${blocker}` };
    }
    const changes = limitsChanges(this.config, next.config);
    this.apply(this.config, next.config);
    this.config = next.config;
    this.text = next.text;
    this.logger.info({ trigger, changes }, `limits config ${this.path} applied (${trigger}): ${changes.length} change(s)${changes.length ? ': ' + changes.join('; ') : ''}`);
    if (unused.length > 0) this.logger.warn({ trigger, unused }, `limits config ${this.path}: no such symbol in this run, limits unused: ${unused.join(', ')}`);
    // A new daily loss limit may already be passed by the day's loss (trip now, not at the next
    // losing fill), or no longer be reached (a daily-loss kill lifts).
    this.kill.enforceDailyLoss(`limits reload (${trigger})`);
    return { outcome: 'applied', changes };
  }

  private apply(prev: LimitsConfig, next: LimitsConfig): void {
    const s = this.state;
    writeLimitsTable(s.table, symbolLimitRows(next, s.symbols), varLimitRow(next));
    s.exposure.setLimits(next.account.grossExposureLimit, next.account.dailyLossLimit);
    // Only a changed tradingState moves the mode: a reload of other limits must not undo an
    // operator's halt or reduce (engine/control/) by re-applying the file's unchanged mode.
    if (next.account.tradingState !== prev.account.tradingState) s.registry.trading.setConfigured(TradingMode[next.account.tradingState]);
    const a = venueBreakerSettings(prev);
    const b = venueBreakerSettings(next);
    VENUE_NAMES.forEach((v, i) => s.registry.applySettings(i, a[v], b[v]));
    applyLimiterChange(s.limiters, compileLimiters(prev.rateLimits), compileLimiters(next.rateLimits));
  }

  /** Reloads on SIGHUP and whenever the file is written or replaced (editors rename over it). */
  watch(): this {
    process.on('SIGHUP', this.onHup);
    const name = basename(this.path);
    this.watcher = watch(dirname(this.path), (_event, file) => {
      if (file !== name) return;
      clearTimeout(this.debounce);
      // Coalesce the several events of one save.
      this.debounce = setTimeout(() => this.reload('file change'), 50);
    });
    return this;
  }

  close(): void {
    process.off('SIGHUP', this.onHup);
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
  }
}
