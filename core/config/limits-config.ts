/**
 * The limits config file (JSON), validated with zod: per-symbol risk limits,
 * the account's trading mode, gross exposure and daily loss limits, the
 * portfolio VaR limit, each venue's rate limiters and circuit-breaker settings. Limits are adjustable
 * intraday (MiFID II RTS 7): engine/limits-loader.ts re-reads the file on SIGHUP or
 * when it changes and applies it to the running shared state.
 *
 * A file that fails validation yields one line naming the first problem's
 * path, e.g. `limits config config/limits.json: symbols.BTC/USDT.collarBps:
 * Too big: expected number to be <=10000 (+1 more)`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { breakerOverrideSchema, breakerSettingsSchema, type BreakerSettings } from '../breaker/breaker-settings.js';
import { compileLimiters } from '../limits/rate-limiter.js';
import { rateLimitsSchema } from '../limits/limiter-settings.js';
import { knownInstrument } from '../instruments/universe.js';
import { MAX_LEDGER_UNITS } from '../risk/exposure-ledger.js';
import { TRADING_MODE_NAMES } from '../breaker/trading-state.js';
import { VENUE_NAMES, type VenueName } from '../venue/venue.js';
import { VAR_OFF, type SymbolLimitRow, type VarLimitRow } from '../risk/limits-table.js';

const positive = z.number().positive().finite();

export const symbolLimitsSchema = z.strictObject({
  /** Largest |position| (base units) the symbol may reach if every open order and this one filled. */
  maxPosition: positive,
  maxOpenOrders: z.number().int().min(0).max(1_000_000),
  /** Largest total notional (quote) of the symbol's open orders. */
  maxOpenNotional: positive,
  /** Largest notional (quote) of one order. */
  maxOrderNotional: positive,
  /** A limit price may differ from the reference price by at most this many basis points. */
  collarBps: z.number().gt(0).max(10_000),
  /** An order is rejected when the reference price is older than this. */
  maxReferenceAgeMs: positive,
  enabled: z.boolean().default(true),
});
export type SymbolLimits = z.output<typeof symbolLimitsSchema>;

const breakerOverride = breakerOverrideSchema;

/**
 * The pre-trade portfolio VaR check (core/risk/portfolio-var.ts). Absent = no VaR check.
 * VaR = z(confidence) * sqrt(w' Sigma w * horizonMs / sampleMs), w the account's notional per symbol.
 */
export const portfolioVarSchema = z.strictObject({
  /** Largest parametric VaR (quote) an order may take the account to; an order that lowers VaR always passes. */
  limit: positive,
  /** One-sided confidence of the loss quantile, e.g. 0.99. */
  confidence: z.number().gt(0.5).lt(1).default(0.99),
  /** Horizon of the VaR (ms): the matrix's per-sample variance is scaled by horizonMs / sampleMs. */
  horizonMs: positive.default(86_400_000),
  /** Until a covariance matrix is published: every symbol at this daily volatility (0.05 = 5 % a day)... */
  fallbackDailyVol: z.number().positive().max(10).default(0.05),
  /** ...and every pair at this correlation (crashes drive crypto correlations towards 1). */
  fallbackCorrelation: z.number().min(0).max(1).default(0.8),
});

export const limitsConfigSchema = z
  .strictObject({
    account: z.strictObject({
      tradingState: z.enum(TRADING_MODE_NAMES).default('ACTIVE'),
      /** Quote currency; reservations that would cross it are refused, across all workers. */
      grossExposureLimit: positive,
      /** Quote currency; realized loss reaching it trips the kill switch. 0 = no limit. */
      dailyLossLimit: z.number().min(0).finite(),
      /** Fixed-point quanta of the exposure ledger; fixed at start (a change needs a restart). */
      exposureQuantum: positive.default(1),
      pnlQuantum: positive.default(0.01),
      /** UTC time of day (HH:MM) at which the trading day rolls: realized PnL starts again from 0. */
      dayRollUtc: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM, 00:00 to 23:59 (UTC)').default('00:00'),
    }),
    symbolDefaults: symbolLimitsSchema,
    /** Per engine symbol name (e.g. BTC/USDT): fields that differ from symbolDefaults. */
    symbols: z.record(z.string().min(1), symbolLimitsSchema.partial()).default({}),
    portfolioVar: portfolioVarSchema.optional(),
    rateLimits: rateLimitsSchema.default({ profile: 'venue', krakenTier: 'starter', limiters: {} }),
    breakers: z
      .strictObject({
        default: breakerOverride.default({}),
        binance: breakerOverride.optional(),
        coinbase: breakerOverride.optional(),
        kraken: breakerOverride.optional(),
      })
      .default({ default: {} }),
  })
  .superRefine((c, ctx) => {
    for (const v of VENUE_NAMES) {
      const r = breakerSettingsSchema.safeParse({ ...c.breakers.default, ...c.breakers[v] });
      for (const issue of r.error?.issues ?? []) ctx.addIssue({ code: 'custom', path: ['breakers', v, ...issue.path], message: issue.message });
    }
    try {
      compileLimiters(c.rateLimits);
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['rateLimits'], message: (e as Error).message });
    }
    const a = c.account;
    if (a.grossExposureLimit / a.exposureQuantum > MAX_LEDGER_UNITS) {
      ctx.addIssue({ code: 'custom', path: ['account', 'grossExposureLimit'], message: `more than ${MAX_LEDGER_UNITS} units of exposureQuantum ${a.exposureQuantum}` });
    }
    if (a.dailyLossLimit / a.pnlQuantum > MAX_LEDGER_UNITS) {
      ctx.addIssue({ code: 'custom', path: ['account', 'dailyLossLimit'], message: `more than ${MAX_LEDGER_UNITS} units of pnlQuantum ${a.pnlQuantum}` });
    }
  });

export type LimitsConfig = z.output<typeof limitsConfigSchema>;
export type LimitsConfigInput = z.input<typeof limitsConfigSchema>;

export class LimitsConfigError extends Error {}

function describe(issues: readonly z.core.$ZodIssue[]): string {
  const first = issues[0];
  const path = first.path.map(String).join('.') || '(root)';
  return `${path}: ${first.message}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ''}`;
}

/** Validates parsed JSON; throws LimitsConfigError with a one-line message naming `source`. */
export function parseLimitsConfig(json: unknown, source: string): LimitsConfig {
  const r = limitsConfigSchema.safeParse(json);
  if (!r.success) throw new LimitsConfigError(`limits config ${source}: ${describe(r.error.issues)}`);
  return r.data;
}

/** Reads and validates the file; throws LimitsConfigError (one line) when it cannot be used. */
export function readLimitsConfig(path: string): { config: LimitsConfig; text: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LimitsConfigError(`limits config ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LimitsConfigError(`limits config ${path}: invalid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  return { config: parseLimitsConfig(json, path), text };
}

/** The breaker settings in force per venue (default merged with the venue's override). */
export function venueBreakerSettings(c: LimitsConfig): Record<VenueName, BreakerSettings> {
  const out = {} as Record<VenueName, BreakerSettings>;
  for (const v of VENUE_NAMES) out[v] = breakerSettingsSchema.parse({ ...c.breakers.default, ...c.breakers[v] });
  return out;
}

/** Letters and digits, upper case: BTC/USDT, btc-usdt and BTCUSDT all read BTCUSDT. */
function bare(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
}

/**
 * Checks the `symbols` entries against the engine's symbols: an entry that names none of them
 * would never be applied (symbolLimitRows looks up engine names only). A name that is no
 * instrument at all is a typo, such as BTCUSDT for BTC/USDT: LimitsConfigError, one line naming
 * `source` and the entry, with a hint when its letters match an engine symbol. An instrument the
 * engine knows but does not run this time (a file shared by runs with other --symbols or
 * --subscribe lists, as the default file is) is returned, for a warning rather than a refusal.
 */
export function checkLimitSymbols(c: LimitsConfig, symbols: readonly string[], source: string): string[] {
  const engine = new Set(symbols);
  const byLetters = new Map(symbols.map((s) => [bare(s), s]));
  const errors: string[] = [];
  const unused: string[] = [];
  for (const name of Object.keys(c.symbols)) {
    if (engine.has(name)) continue;
    // A synthetic name is checked by its form: knownInstrument would build the universe up to it.
    if (/^SYN\d{3,}\/USDT$/.test(name) || knownInstrument(name, 1) !== undefined) {
      unused.push(name);
      continue;
    }
    const near = byLetters.get(bare(name));
    errors.push(`symbols.${name}: not a symbol of the engine${near ? `; did you mean ${near}?` : ' (names look like BTC/USDT)'}`);
  }
  if (errors.length > 0) throw new LimitsConfigError(`limits config ${source}: ${errors[0]}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}`);
  return unused;
}

/** The limits of each engine symbol (index = symbol id): defaults overridden by the symbol's entry. */
export function symbolLimitRows(c: LimitsConfig, symbols: readonly string[]): SymbolLimitRow[] {
  return symbols.map((name) => {
    const s = { ...c.symbolDefaults, ...c.symbols[name] };
    return {
      maxPosition: s.maxPosition,
      maxOpenOrders: s.maxOpenOrders,
      maxOpenNotional: s.maxOpenNotional,
      maxOrderNotional: s.maxOrderNotional,
      collarFrac: s.collarBps / 10_000,
      maxRefAgeNs: s.maxReferenceAgeMs * 1e6,
      enabled: s.enabled,
    };
  });
}

/** The account row's VaR settings: VAR_OFF (limit 0) when the file has no `portfolioVar`. */
export function varLimitRow(c: LimitsConfig): VarLimitRow {
  return c.portfolioVar ?? VAR_OFF;
}
