/**
 * exchange: the order path to the venue over real loopback sockets: the
 * exchange simulator (ExchangeSimServer on 127.0.0.1, port 0, its venue on a
 * RealScheduler) and the Gateway (over WsVenueConnection, on a RealScheduler).
 * For the latency figures both run in this process, on one event loop (at a
 * few hundred orders a second neither waits on the other); for throughput
 * the simulator runs on a worker thread (below).
 *
 *  1. Send-to-ack round trip per network profile (perfect, good, average,
 *     poor; sim/exchange/network-hook.ts networkFor, as `--profile` does):
 *     IOC LIMIT orders, marketable, paced at --rate (200/s), --orders (500)
 *     per profile after 50 unrecorded; latency from each order's intended
 *     send time (no coordinated omission) to the gateway's onAck. Lost
 *     messages are part of the profiles, so some acks come only after the
 *     request timeout and an order.status query: they are in the "all"
 *     figures and counted; "first answer" leaves out the acks later than
 *     requestTimeoutMs (only a lost message takes that long). Printed beside
 *     the reference report's figures and the engine's own decision latency
 *     (the pre-trade check list per order, measured here in-process as
 *     `npm run bench -- risk` does, 5,000 blocks of 64). Then the same at
 *     --low-rate (10/s), --low-orders (40) per profile (0: skip), the four
 *     profiles at once: the profiles' bursts begin with a chance per message,
 *     so how much of the time a burst holds the line depends on the rate.
 *  2. Throughput with the simulator's limits lifted, perfect network, one
 *     connection: orders acknowledged per second, --window (256) order.place
 *     requests kept in flight, by the Gateway and by a plain ws client that
 *     JSON.stringifies each request (signed with the same HMAC key the same
 *     way) and JSON.parses each frame; both subscribe to the user data stream
 *     (userDataStream.subscribe.signature), so both get the same frames (each
 *     order's answer and its NEW and TRADE executionReports); alternating runs of --seconds (1.2),
 *     --runs (3) each, a fresh simulator per run; medians. Here the simulator
 *     runs on a worker thread (perf/exchange-sim-worker.ts), the client alone
 *     on the main thread, whose CPU time per ack (CLOCK_THREAD_CPUTIME_ID,
 *     ws I/O included) is each client's own cost; the simulator thread's
 *     event loop use says which side bounds the rate. Also the
 *     simulator alone: the same requests, prebuilt, straight into a venue
 *     session subscribed to the stream (no socket, no client): the ceiling
 *     both clients share.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { RealScheduler } from '../core/clock/scheduler.js';
import { threadCpuClock } from '../core/clock/thread-cpu-clock.js';
import { Gateway } from '../core/gateway/gateway.js';
import { HmacSigner, signaturePayload, type Param } from '../core/gateway/request-signer.js';
import { WsVenueConnection } from '../core/gateway/ws-connection.js';
import { OrderType, Side } from '../ipc/frame-layout.js';
import { networkFor } from '../sim/exchange/network-hook.js';
import { ExchangeSimServer } from '../sim/exchange/server.js';
import { symbolFor, VenueOptionsSchema } from '../sim/exchange/sim-options.js';
import { ExchangeVenue } from '../sim/exchange/venue.js';
import { machineInfo, median, percentile, throughputRatio, timeRatio, type BenchReport, type BenchResult } from './bench-report.js';
import { run as runRisk } from './risk-bench.js';

const API_KEY = 'benchHmacKey00000001';
const SECRET = 'bench-hmac-secret-0001';
const SYMBOL = 'BTCUSDT';
const QTY = 0.001;
const PROFILES = ['perfect', 'good', 'average', 'poor'] as const;
/** The reference report (../shared/reference/phase1-performance-review.md), "Order Submission (with network)": p50/p99 ms. */
const REFERENCE: Record<string, [number, number]> = { perfect: [12, 18], good: [22, 35], average: [65, 95], poor: [165, 280] };
const signer = new HmacSigner(API_KEY, SECRET);
const LIFTED = { ordersPer10s: 1_000_000_000, ordersPerDay: 1_000_000_000, weightPerMinute: 1_000_000_000 };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`exchange bench: timed out waiting for ${what}`);
    await sleep(2);
  }
}

async function startSim(profile: string | undefined, limits: object = LIFTED, seed = 1) {
  const clock = new RealScheduler();
  const options = VenueOptionsSchema.parse({ symbols: [symbolFor(SYMBOL, 60_000)], keys: [{ apiKey: API_KEY, secretKey: SECRET }], limits, seed });
  const { conditions } = networkFor(profile, seed, clock);
  const venue = new ExchangeVenue(options, clock, conditions);
  const server = await ExchangeSimServer.start(venue, { port: 0 });
  return { server, venue, spec: options.symbols[0], market: venue.engine.market(SYMBOL) };
}

type Sim = Awaited<ReturnType<typeof startSim>>;

/** The simulator on a worker thread (perf/exchange-sim-worker.ts), limits lifted, perfect network. */
async function startSimWorker(seed = 1): Promise<{ url: string; worker: Worker; close(): Promise<void> }> {
  const worker = new Worker(new URL('./exchange-sim-worker.js', import.meta.url), {
    workerData: { apiKey: API_KEY, secretKey: SECRET, symbol: SYMBOL, price: 60_000, limits: LIFTED, seed },
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port));
    worker.once('error', reject);
  });
  return {
    url: `ws://127.0.0.1:${port}/ws-api/v3`,
    worker,
    close: async () => {
      const closed = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.postMessage('close');
      await closed;
      await worker.terminate();
    },
  };
}

/** What a throughput run measured: acks/s, and the main thread's CPU time per ack (the client's own cost, ws I/O included). */
interface Throughput {
  rate: number;
  clientUsPerAck: number;
  simBusy: number;
}

const threadCpuNs = threadCpuClock();

/** Counts over [300 ms, 300 ms + seconds]: acks/s, the main thread's CPU time per ack, the simulator thread's event loop use. */
async function measure(acks: () => number, worker: Worker, seconds: number): Promise<Throughput> {
  await sleep(300);
  const a0 = acks();
  const c0 = threadCpuNs();
  const w0 = worker.performance.eventLoopUtilization();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const n = acks() - a0;
  const cpuNs = threadCpuNs() - c0;
  const w = worker.performance.eventLoopUtilization(w0);
  return { rate: (n * 1000) / (performance.now() - t0), clientUsPerAck: cpuNs / 1000 / n, simBusy: w.utilization };
}

function gatewayFor(sim: { spec: Sim['spec']; url: string }, cb: { ack?: (id: number) => void; final?: (id: number) => void }, extra: object = {}): Gateway {
  const { spec } = sim;
  return new Gateway(
    {
      symbols: [{ venueSymbol: spec.symbol, tickSize: spec.tickSize, lotStep: spec.stepSize }],
      timeInForce: 'IOC',
      ordersPerWindow: 1_000_000_000,
      ...extra,
    },
    new HmacSigner(API_KEY, SECRET),
    new RealScheduler(),
    () => new WsVenueConnection(sim.url),
    {
      onAck: cb.ack,
      onExecution: () => {},
      onFinal: (id) => cb.final?.(id),
      onVenueOutcome: () => {},
      onBackoff: () => {},
    },
  );
}

/** A marketable IOC price: through the touch by 1 %. */
const priceFor = (sim: Sim, buy: boolean) => sim.market.mid * (buy ? 1.01 : 0.99);

interface LatencyResult {
  profile: string;
  all: number[];
  firstAnswer: number[];
  viaTimeout: number;
  unacked: number;
  lateness99: number;
}

async function latency(profile: string, orders: number, rate: number, seed: number, warm = 50): Promise<LatencyResult> {
  const sim = await startSim(profile, LIFTED, seed);
  const intended = new Float64Array(orders + 100);
  const lat: number[] = [];
  const lateness: number[] = [];
  const gw = gatewayFor({ spec: sim.spec, url: sim.server.wsUrl() }, {
    ack: (id) => {
      if (id >= warm) lat.push(performance.now() - intended[id]);
    },
  });
  gw.start();
  await until(() => gw.trading, 10_000, `the gateway to trade (${profile})`);
  const total = warm + orders;
  const gap = 1000 / rate;
  const t0 = performance.now() + 5;
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && t0 + next * gap <= now) {
      intended[next] = t0 + next * gap;
      if (next >= warm) lateness.push(now - intended[next]);
      const buy = (next & 1) === 0;
      gw.submit(next, 0, buy ? Side.Buy : Side.Sell, OrderType.Limit, priceFor(sim, buy), QTY);
      next++;
    }
    if (next < total) await sleep(Math.max(0, t0 + next * gap - performance.now()));
  }
  // Every order acknowledged, or given up on after 12 s (a lost answer costs requestTimeoutMs and a query; on the
  // poor network several in a row). Whether each then ends is the gateway's business (the audit finds lost events).
  await until(() => lat.length >= orders, 12_000, `every order's ack (${profile})`).catch(() => {});
  const timeout = gw.options.requestTimeoutMs;
  const res: LatencyResult = {
    profile,
    all: lat,
    firstAnswer: lat.filter((x) => x < timeout),
    viaTimeout: lat.filter((x) => x >= timeout).length,
    unacked: orders - lat.length,
    lateness99: percentile(lateness, 99),
  };
  gw.stop();
  await sim.server.close();
  return res;
}

/** order.place as a plain client writes it: an object, signed over its sorted params, JSON.stringify'd. */
function plainRequest(id: number, buy: boolean, price: string, clientOrderId: string): string {
  const params: Record<string, string | number> = {
    apiKey: API_KEY,
    newClientOrderId: clientOrderId,
    newOrderRespType: 'RESULT',
    price,
    quantity: String(QTY),
    recvWindow: 5000,
    side: buy ? 'BUY' : 'SELL',
    symbol: SYMBOL,
    timeInForce: 'IOC',
    timestamp: Date.now(),
    type: 'LIMIT',
  };
  params.signature = signer.sign(signaturePayload(Object.entries(params) as Param[]));
  return JSON.stringify({ id, method: 'order.place', params });
}
/** A marketable IOC price as a plain client writes it: through the start price by 1 %, on the 0.01 tick. */
const plainPrice = (buy: boolean) => (60_000 * (buy ? 1.01 : 0.99)).toFixed(2);

/** Acks/s over [warm, warm + seconds] with `window` orders in flight, through the Gateway. */
export async function gatewayThroughput(window: number, seconds: number): Promise<Throughput> {
  const sim = await startSimWorker();
  let acks = 0;
  let next = 0;
  let inFlight = 0;
  let stopped = false;
  const buyPx = 60_000 * 1.01;
  const sellPx = 60_000 * 0.99;
  let refill = false;
  const top = () => {
    refill = false;
    while (!stopped && inFlight < window) {
      const buy = (next & 1) === 0;
      inFlight++;
      gw.submit(next++, 0, buy ? Side.Buy : Side.Sell, OrderType.Limit, buy ? buyPx : sellPx, QTY);
    }
  };
  const spec = symbolFor(SYMBOL, 60_000);
  const gw = gatewayFor(
    { spec, url: sim.url },
    {
      ack: () => acks++,
      final: () => {
        inFlight--;
        if (!refill) {
          refill = true;
          queueMicrotask(top);
        }
      },
    },
    { maxInFlight: 1024, queueCapacity: 4096, maxQueueAgeMs: 60_000 },
  );
  gw.start();
  await until(() => gw.trading, 10_000, 'the gateway to trade');
  top();
  const m = await measure(() => acks, sim.worker, seconds);
  stopped = true;
  gw.stop();
  await sim.close();
  return m;
}

/** The same through a plain ws client: JSON.stringify per request, JSON.parse per answer. */
export async function plainThroughput(window: number, seconds: number): Promise<Throughput> {
  const sim = await startSimWorker();
  const buyPx = plainPrice(true);
  const sellPx = plainPrice(false);
  const ws = new WebSocket(sim.url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // The same user data stream the gateway subscribes to (HMAC: userDataStream.subscribe.signature), so
  // both clients get the same frames: each order's answer and its executionReports, every one JSON.parse'd.
  const sub: Record<string, string | number> = { apiKey: API_KEY, timestamp: Date.now() };
  sub.signature = signer.sign(signaturePayload(Object.entries(sub) as Param[]));
  ws.send(JSON.stringify({ id: -1, method: 'userDataStream.subscribe.signature', params: sub }));
  await new Promise<void>((resolve, reject) =>
    ws.once('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString('utf8')) as { status?: number };
      if (msg.status === 200) resolve();
      else reject(new Error(`exchange bench: the plain client's subscription was refused: ${data.toString('utf8')}`));
    }),
  );
  let acks = 0;
  let errors = 0;
  let events = 0;
  let next = 0;
  let stopped = false;
  const send = () => {
    const buy = (next & 1) === 0;
    const id = next++;
    ws.send(plainRequest(id, buy, buy ? buyPx : sellPx, 'plain-' + id));
  };
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString('utf8')) as { id?: number; status?: number; event?: { e?: string } };
    if (msg.id === undefined) {
      if (msg.event?.e === 'executionReport') events++;
      return;
    }
    if (msg.status === 200) acks++;
    else errors++;
    if (!stopped) send();
  });
  for (let k = 0; k < window; k++) send();
  const m = await measure(() => acks, sim.worker, seconds);
  stopped = true;
  ws.terminate();
  await sim.close();
  if (errors > 0) throw new Error(`exchange bench: the plain client got ${errors} error answers`);
  if (events < acks) throw new Error(`exchange bench: the plain client got fewer executionReports (${events}) than answers (${acks})`);
  return m;
}

/** The simulator alone: prebuilt signed order.place texts straight into a venue session, orders/s. */
function simulatorCeiling(count: number): number {
  const clock = new RealScheduler();
  const options = VenueOptionsSchema.parse({ symbols: [symbolFor(SYMBOL, 60_000)], keys: [{ apiKey: API_KEY, secretKey: SECRET }], limits: LIFTED });
  const venue = new ExchangeVenue(options, clock);
  const buyPx = plainPrice(true);
  const sellPx = plainPrice(false);
  const texts = Array.from({ length: count }, (_, k) => plainRequest(k, (k & 1) === 0, (k & 1) === 0 ? buyPx : sellPx, 'alone-' + k));
  let ok = 0;
  let frames = 0;
  const session = venue.openSession({
    ip: '127.0.0.1',
    send: (t) => {
      frames++;
      if (t.startsWith('{"id":')) ok += t.includes('"status":200') ? 1 : 0;
    },
    close: () => {},
  });
  // Subscribed like both clients: the venue builds each order's executionReports too.
  const sub: Record<string, string | number> = { apiKey: API_KEY, timestamp: Date.now() };
  sub.signature = signer.sign(signaturePayload(Object.entries(sub) as Param[]));
  session.receive(JSON.stringify({ id: -1, method: 'userDataStream.subscribe.signature', params: sub }));
  ok = 0;
  frames = 0;
  const t0 = performance.now();
  for (const t of texts) session.receive(t);
  const rate = (count * 1000) / (performance.now() - t0);
  session.closed();
  if (ok !== count || frames < 2 * count) throw new Error(`exchange bench: the simulator alone answered ${ok} of ${count} with 200, ${frames} frames`);
  return rate;
}

function opt(args: string[], name: string, dflt: number): number {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? dflt : Number(a.slice(name.length + 3));
}

const r1 = (x: number) => (Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(1) : x.toFixed(0));

export async function run(args: string[]): Promise<BenchReport> {
  const orders = opt(args, 'orders', 500);
  const rate = opt(args, 'rate', 200);
  const window = opt(args, 'window', 256);
  const seconds = opt(args, 'seconds', 1.2);
  const runs = opt(args, 'runs', 3);
  const seed = opt(args, 'seed', 1);
  const results: BenchResult[] = [];
  const ratios: Record<string, number> = {};

  // The engine's own decision: the pre-trade check list per order, in-process.
  const risk = (await runRisk(['--blocks=5000'])).results[0];

  const lines: string[] = [
    `send -> ack over loopback (simulator and gateway in one process), IOC LIMIT, ${rate}/s, ${orders} per profile, HMAC`,
    'profile   p50 ms  p99 ms  | first answer p50/p99 | via timeout+query  unacked  | reference p50/p99  | engine decision p50/p99',
  ];
  for (const p of PROFILES) {
    const l = await latency(p, orders, rate, seed);
    const [ref50, ref99] = REFERENCE[p];
    const p50 = median(l.all);
    const p99 = percentile(l.all, 99);
    lines.push(
      `${p.padEnd(9)} ${r1(p50).padStart(6)}  ${r1(p99).padStart(6)}  | ${(r1(median(l.firstAnswer)) + ' / ' + r1(percentile(l.firstAnswer, 99))).padEnd(20)} | ` +
        `${String(l.viaTimeout).padStart(17)}  ${String(l.unacked).padStart(7)}  | ${(ref50 + ' / ' + ref99).padEnd(18)} | ` +
        `${(risk.median / 1000).toFixed(2)} / ${(risk.p99! / 1000).toFixed(2)} us`,
    );
    results.push({
      name: `send -> ack, ${p}`,
      unit: 'ms',
      median: p50,
      p99,
      runs: l.all.length,
      note: `first answer ${r1(median(l.firstAnswer))}/${r1(percentile(l.firstAnswer, 99))} ms; ${l.viaTimeout} via timeout+query, ${l.unacked} unacked; reference ${ref50}/${ref99} ms; pacing lateness p99 ${r1(l.lateness99)} ms`,
    });
    ratios[`vs_reference_${p}_p99`] = Math.round((ref99 / p99) * 100) / 100;
  }
  // The same at a low rate, the four profiles side by side (each its own simulator and gateway; a few
  // orders a second load nothing): the profiles' bursts start with a chance per message, so at 200/s a
  // burst is in force much of the time and holds everything behind it; at a few a second, seldom.
  const lowRate = opt(args, 'low-rate', 10);
  const lowOrders = opt(args, 'low-orders', 40);
  if (lowOrders > 0) {
    lines.push(`the same at ${lowRate}/s, ${lowOrders} per profile, the four profiles at once:`);
    const low = await Promise.all(PROFILES.map((p) => latency(p, lowOrders, lowRate, seed + 1, 5)));
    for (const l of low) {
      const [ref50, ref99] = REFERENCE[l.profile];
      lines.push(
        `${l.profile.padEnd(9)} ${r1(median(l.all)).padStart(6)}  ${r1(percentile(l.all, 99)).padStart(6)}  | ` +
          `${(r1(median(l.firstAnswer)) + ' / ' + r1(percentile(l.firstAnswer, 99))).padEnd(20)} | ${String(l.viaTimeout).padStart(17)}  ${String(l.unacked).padStart(7)}  | ${ref50} / ${ref99}`,
      );
      results.push({
        name: `send -> ack, ${l.profile}, ${lowRate}/s`,
        unit: 'ms',
        median: median(l.all),
        p99: percentile(l.all, 99),
        runs: l.all.length,
        note: `first answer ${r1(median(l.firstAnswer))}/${r1(percentile(l.firstAnswer, 99))} ms; ${l.viaTimeout} via timeout+query, ${l.unacked} unacked`,
      });
    }
  }
  results.push({ name: 'engine decision: pre-trade check list per order (risk bench, in-process)', unit: 'ns', median: risk.median, p99: risk.p99, runs: risk.runs });

  // Throughput: alternating runs, a fresh simulator each.
  const gwRuns: Throughput[] = [];
  const plainRuns: Throughput[] = [];
  for (let k = 0; k < runs; k++) {
    gwRuns.push(await gatewayThroughput(window, seconds));
    plainRuns.push(await plainThroughput(window, seconds));
  }
  const gwRates = gwRuns.map((x) => x.rate);
  const plainRates = plainRuns.map((x) => x.rate);
  const gwUs = median(gwRuns.map((x) => x.clientUsPerAck));
  const plainUs = median(plainRuns.map((x) => x.clientUsPerAck));
  const busy = (xs: Throughput[]) => xs.map((x) => (x.simBusy * 100).toFixed(0) + '%').join(', ');
  const ceilings = [simulatorCeiling(15_000), simulatorCeiling(15_000), simulatorCeiling(15_000)];
  const gw = median(gwRates);
  const plain = median(plainRates);
  const ceiling = median(ceilings);
  results.push(
    { name: 'throughput, Gateway (one connection, limits lifted)', unit: 'acks/s', median: gw, runs, note: `runs ${gwRates.map((x) => x.toFixed(0)).join(', ')}; simulator thread busy ${busy(gwRuns)}` },
    { name: 'throughput, plain ws + JSON.stringify/JSON.parse', unit: 'acks/s', median: plain, runs, note: `runs ${plainRates.map((x) => x.toFixed(0)).join(', ')}; simulator thread busy ${busy(plainRuns)}` },
    { name: 'client thread CPU per ack, Gateway', unit: 'us', median: gwUs, runs, note: `main thread CPU time (CLOCK_THREAD_CPUTIME_ID) / acks, ws I/O included; runs ${gwRuns.map((x) => x.clientUsPerAck.toFixed(1)).join(', ')}` },
    { name: 'client thread CPU per ack, plain ws + JSON', unit: 'us', median: plainUs, runs, note: `runs ${plainRuns.map((x) => x.clientUsPerAck.toFixed(1)).join(', ')}` },
    { name: 'simulator alone (prebuilt requests into a venue session)', unit: 'orders/s', median: ceiling, runs: ceilings.length, note: `runs ${ceilings.map((x) => x.toFixed(0)).join(', ')}` },
  );
  ratios.vs_plain_ws_json = throughputRatio(gw, plain);
  ratios.vs_plain_ws_json_client_cost = timeRatio(gwUs, plainUs);
  ratios.gateway_share_of_simulator_ceiling = throughputRatio(gw, ceiling);
  lines.push(
    `throughput (window ${window}, ${seconds} s x ${runs} alternating runs, medians): Gateway ${gw.toFixed(0)} acks/s, plain ws+JSON ${plain.toFixed(0)} acks/s ` +
      `(${(gw / plain).toFixed(2)}x); client thread CPU per ack: Gateway ${gwUs.toFixed(1)} us, plain ${plainUs.toFixed(1)} us; ` +
      `simulator thread busy ${busy(gwRuns)} / ${busy(plainRuns)}; simulator alone ${ceiling.toFixed(0)} orders/s`,
  );
  process.stderr.write(lines.join('\n') + '\n');
  return { suite: 'exchange', machine: machineInfo(), results, ratios };
}
