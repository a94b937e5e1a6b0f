/**
 * Main's handle on the order path to the venue (--exchange sim|URL): starts
 * the exchange simulator thread (sim) and the gateway thread, hands the
 * gateway its URL and keys, and at the end drains the gateway and reconciles
 * its view of every order against the venue's own list. Keys are checked
 * here, before any thread starts: a missing or bad key is one line and
 * exit 2, never a gateway that cannot log on.
 *
 * Stop order (engine.ts): at once, the gateway cancels what rests at the venue
 * (cancelOpen); the sources drain (every order decided, and its final), so
 * no more accepted orders come; the gateway takes what is in its rings and
 * waits for the venue's final state of each order it sent (the workers, still
 * running, book the last fills); then the reconciliation; then the workers stop.
 */
import { Worker } from 'node:worker_threads';
import type { ExchangeOptions } from '../core/config/exchange-options.js';
import { KeyConfigError, loadApiKeys } from '../core/gateway/api-keys.js';
import type { ReconcileReport, VenueOrderView } from '../core/gateway/reconcile-report.js';
import type { Logger } from '../core/logging/logger.js';
import { GatewayStat, gatewayStatsView, type GatewayStatsView } from '../ipc/gateway-stats-layout.js';
import { emptySummary, summarize } from '../ipc/latency-histogram.js';
import type { GatewayConfig } from '../workers/worker-config.js';
import type { ExchangeSimConfig } from '../workers/exchange-sim-thread.js';

const GATEWAY_ENTRY = new URL('../workers/gateway-thread.js', import.meta.url);
const SIM_ENTRY = new URL('../workers/exchange-sim-thread.js', import.meta.url);
const KEY_VARIABLES = ['BOT4_API_KEY', 'BOT4_API_SECRET', 'BOT4_ED25519_KEY_FILE', 'BOT4_API_KEYS_FILE'] as const;
/** How long the gateway may take, at the end, for the venue's final state of the orders it sent. */
const DRAIN_MS = 15_000;

export class VenueKeyError extends Error {}

const PROBLEMS = ['twice', 'missingAtVenue', 'unknownToGateway', 'stateMismatch', 'unsettled', 'fillMismatch'] as const;

/** The reconciliation as counts, with the first few client order ids of each problem when there is one. */
function compact(r: ReconcileReport): Record<string, unknown> {
  const out: Record<string, unknown> = { ok: r.ok, gatewayOrders: r.gatewayOrders, venueOrders: r.venueOrders, matched: r.matched };
  for (const k of PROBLEMS) out[k] = r[k].length;
  const examples = PROBLEMS.flatMap((k) => r[k].slice(0, 3).map((id) => `${k}: ${id}`));
  if (examples.length > 0) out.examples = examples;
  return out;
}

function once<T>(w: Worker, op: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${op}: no answer within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: { op: string }) => {
      if (m.op !== op) return;
      clearTimeout(t);
      w.off('message', onMessage);
      resolve(m as T);
    };
    w.on('message', onMessage);
    w.once('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

export class VenueLink {
  private gateway: Worker | undefined;
  private sim: Worker | undefined;
  readonly stats: GatewayStatsView;
  private result: Record<string, unknown> | undefined;
  private readonly ack = emptySummary();

  private constructor(
    private readonly cfg: GatewayConfig,
    private readonly exchange: Exclude<ExchangeOptions, { kind: 'stand-in' }>,
    private readonly log: Logger,
  ) {
    this.stats = gatewayStatsView(cfg.stats);
  }

  /**
   * Checks the keys (venue) or starts the simulator (sim), then the gateway thread.
   * `onFatal`: the gateway or the simulator thread died (the run cannot reach its venue).
   */
  static async start(cfg: GatewayConfig, exchange: Exclude<ExchangeOptions, { kind: 'stand-in' }>, seed: number, log: Logger, onFatal: (reason: string) => void): Promise<VenueLink> {
    const link = new VenueLink(cfg, exchange, log);
    if (exchange.kind === 'venue') {
      const keys: Record<string, string | undefined> = exchange.keysFile ? { BOT4_API_KEYS_FILE: exchange.keysFile } : Object.fromEntries(KEY_VARIABLES.map((k) => [k, process.env[k]]));
      try {
        loadApiKeys(keys);
      } catch (e) {
        if (e instanceof KeyConfigError) {
          const what = exchange.keysFile ? `invalid --exchange-keys '${exchange.keysFile}': ` : '';
          throw new VenueKeyError(`bot4: ${what}${e.message.replace(`BOT4_API_KEYS_FILE ${exchange.keysFile}: `, '')}`);
        }
        throw e;
      }
      cfg.keys = keys;
      cfg.url = exchange.url;
    } else {
      const simCfg: ExchangeSimConfig = { instruments: cfg.instruments, profile: exchange.profile, seed, logFd: cfg.logFd, logLevel: cfg.logLevel };
      link.sim = new Worker(SIM_ENTRY, { workerData: simCfg });
      link.sim.on('error', (e) => onFatal(`exchange simulator: ${e.message}`));
      const up = await once<{ port: number; apiKey: string; secretKey: string }>(link.sim, 'listening', 30_000);
      cfg.keys = { BOT4_API_KEY: up.apiKey, BOT4_API_SECRET: up.secretKey };
      cfg.url = `ws://127.0.0.1:${up.port}/ws-api/v3`;
      cfg.reconciled = true;
    }
    link.gateway = new Worker(GATEWAY_ENTRY, { workerData: cfg });
    link.gateway.on('error', (e) => onFatal(`gateway: ${e.message}`));
    return link;
  }

  /** For the metrics line: the gateway's counters and its send-to-ack latency. */
  line(): Record<string, unknown> {
    const f = this.stats.f64;
    const ack = summarize(this.stats.histograms.ack, this.ack);
    return {
      connected: f[GatewayStat.connected] === 1,
      received: f[GatewayStat.received],
      acked: f[GatewayStat.acked],
      open: f[GatewayStat.open],
      filled: f[GatewayStat.filled],
      canceled: f[GatewayStat.canceled],
      rejected: f[GatewayStat.rejected],
      expired: f[GatewayStat.expired],
      executions: f[GatewayStat.executions],
      reconnects: f[GatewayStat.reconnects],
      venueErrors: f[GatewayStat.venueErrors],
      backoffs: f[GatewayStat.backoffs],
      ackUs: { p50: Math.round(ack.p50 / 1e3), p99: Math.round(ack.p99 / 1e3) },
    };
  }

  /** The stop has begun: the gateway cancels every order open at the venue, and each new one once placed. */
  cancelOpen(): void {
    this.gateway?.postMessage({ op: 'cancelAll' });
  }

  /** Drains the gateway (after the sources have), reconciles against the simulator, stops both threads. */
  async stop(): Promise<Record<string, unknown>> {
    if (this.result) return this.result;
    const gw = this.gateway!;
    gw.postMessage({ op: 'stop', drainMs: DRAIN_MS });
    const stopped = await once<{ open: number; counters: Record<string, number> }>(gw, 'stopped', DRAIN_MS + 5000);
    let reconcile: Record<string, unknown> | string = 'not checked: a real venue (its order list is not read back)';
    if (this.sim) {
      this.sim.postMessage({ op: 'orders' });
      const { orders } = await once<{ orders: VenueOrderView[] }>(this.sim, 'orders', 10_000);
      gw.postMessage({ op: 'reconcile', orders });
      const report = (await once<{ report: ReconcileReport }>(gw, 'reconciled', 10_000)).report;
      if (!report.ok) this.log.error({ reconcile: report }, 'gateway and venue disagree about orders');
      reconcile = compact(report);
      this.sim.postMessage({ op: 'stop' });
    }
    await gw.terminate();
    const c = stopped.counters;
    this.result = {
      ...this.line(),
      openAtEnd: stopped.open,
      sent: c.placesSent,
      retries: c.retries,
      unknown: c.unknown,
      unknownResolved: c.unknownResolved,
      duplicatesRefused: c.duplicatesRefused,
      duplicateTrades: c.duplicateTrades,
      reconcile,
    };
    return this.result;
  }
}
