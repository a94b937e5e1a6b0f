/**
 * The composition root of the shared risk state: main lays out every buffer
 * the risk workers attach to (limits table, breaker board, exposure ledger,
 * rate limiters) from a validated limits config, and keeps its own handles on
 * them for the reloader (limits-loader.ts) and the metrics.
 */
import { BreakerRegistry, createBreakerRegistry } from '../core/breaker/breaker-registry.js';
import type { NanoClock } from '../core/breaker/circuit-breaker.js';
import { TradingMode } from '../core/breaker/trading-state.js';
import { symbolLimitRows, varLimitRow, venueBreakerSettings, type LimitsConfig } from '../core/config/limits-config.js';
import { createRateLimiters } from '../core/limits/rate-limiter.js';
import { createExposureLedger, ExposureLedger } from '../core/risk/exposure-ledger.js';
import { createLimitsTable, writeLimitsTable } from '../core/risk/limits-table.js';

/** The shared buffers workers attach to, and main's handles on them. */
export interface RiskState {
  /** Limits table (LimitsReader in workers). */
  table: SharedArrayBuffer;
  /** Breaker board: per-venue breakers and the trading word / kill switch (BreakerRegistry in workers). */
  board: SharedArrayBuffer;
  /** Exposure ledger (ExposureLedger in workers, with registry.trading as its kill switch). */
  ledger: SharedArrayBuffer;
  /** Rate limiters (RateLimiters in workers). */
  limiters: SharedArrayBuffer;
  /** Limiter ids by index, for metrics. */
  limiterIds: string[];
  /** Engine symbol names by id, as the table rows are ordered. */
  symbols: readonly string[];
  registry: BreakerRegistry;
  exposure: ExposureLedger;
}

/** Main at start: every shared risk buffer, laid out and filled from `config`. */
export function createRiskState(config: LimitsConfig, symbols: readonly string[], clock: NanoClock): RiskState {
  const table = createLimitsTable(symbols.length);
  writeLimitsTable(table, symbolLimitRows(config, symbols), varLimitRow(config));
  const board = createBreakerRegistry(venueBreakerSettings(config));
  const registry = new BreakerRegistry(board, clock);
  registry.trading.setConfigured(TradingMode[config.account.tradingState]);
  const ledger = createExposureLedger({ exposureQuantum: config.account.exposureQuantum, pnlQuantum: config.account.pnlQuantum });
  const exposure = new ExposureLedger(ledger, registry.trading);
  exposure.setLimits(config.account.grossExposureLimit, config.account.dailyLossLimit);
  const { sab: limiters, ids: limiterIds } = createRateLimiters(config.rateLimits, clock.nowNs());
  return { table, board, ledger, limiters, limiterIds, symbols, registry, exposure };
}
