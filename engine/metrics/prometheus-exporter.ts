/**
 * --metrics-port: the engine's metrics in the Prometheus text format, at
 * GET http://127.0.0.1:PORT/metrics; any other method or path is 404. Bound to
 * loopback only: the metrics say what the account is doing, and a scraper
 * elsewhere goes through whatever the operator puts in front.
 *
 * It runs on main's event loop, beside the agents. A scrape reads shared
 * memory (engine-metrics.ts) and never touches an order, but it does take
 * main's time, so the server keeps what a client can make it do small: no
 * request body is read, a handful of connections at once, and a request
 * that has not sent its headers in a few seconds is dropped.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { engineMetrics, type EngineMetrics, type MetricsSources } from './engine-metrics.js';

const HOST = '127.0.0.1';
/** Prometheus and a person with curl at most; more than this is not a scraper. */
const MAX_CONNECTIONS = 8;
const TIMEOUT_MS = 5_000;

export class PrometheusExporter {
  private readonly metrics: EngineMetrics;
  private readonly server: Server;

  constructor(sources: MetricsSources) {
    this.metrics = engineMetrics(sources);
    this.server = createServer({ requestTimeout: TIMEOUT_MS, headersTimeout: TIMEOUT_MS }, (req, res) => this.handle(req, res));
    this.server.maxConnections = MAX_CONNECTIONS;
  }

  /** Starts serving; resolves with the bound port (port 0 picks a free one), rejects if it cannot bind. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, HOST, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops serving and drops open connections (a scraper keeps its connection alive). */
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?', 1)[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: GET /metrics\n');
      return;
    }
    const { registry, snapshot } = this.metrics;
    snapshot();
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${err.message}\n`),
    );
  }
}
