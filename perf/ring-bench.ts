/**
 * ring: one producer thread (core 0) and one consumer thread (core 1) move
 * 64-byte records, written whole and read whole (ring-bench-protocol.ts),
 * through the bot4 SPSC ring, through ringbuf.js 0.4 (its push/pop API, same
 * batch size, same capacity in records) and through postMessage (one record per
 * message, a bounded window in flight), interleaved run by run so all three
 * see the same machine. Also the ring's one-way latency, paced, with a spinning
 * and with a blocking consumer.
 *
 * Options: --runs N (5) --records N (20e6) --pm-records N (5e5) --batch N (64)
 *          --slots N (4096) --latency-samples N (20000)
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { RingBuffer } from 'ringbuf.js';
import { z } from 'zod';
import { createRingBuffer } from '../ipc/spsc-ring.js';
import type { WaitStrategyName } from '../ipc/wait-strategy.js';
import { machineInfo, median, percentile, throughputRatio, type BenchReport, type BenchResult } from './bench-report.js';
import {
  CTL_BYTES,
  expectedChecksum,
  RECORD_F64,
  type Command,
  type PinReport,
  type Reply,
  type Transport,
} from './ring-bench-protocol.js';

const Options = z
  .object({
    runs: z.coerce.number().int().min(1).max(100).default(5),
    records: z.coerce.number().int().min(1000).max(1e9).default(20_000_000),
    pmRecords: z.coerce.number().int().min(1000).max(1e8).default(500_000),
    batch: z.coerce.number().int().min(1).max(65_536).default(64),
    slots: z.coerce
      .number()
      .int()
      .min(2)
      .max(1 << 20)
      .refine((n) => (n & (n - 1)) === 0, 'must be a power of two')
      .default(4096),
    latencySamples: z.coerce.number().int().min(100).max(1e7).default(20_000),
  })
  .strict();
type Options = z.infer<typeof Options>;

/** Records the postMessage producer may run ahead of the consumer's acknowledgements. */
const PM_WINDOW = 8192;
const SPIN_GAP_NS = 10_000;
const BLOCK_GAP_NS = 200_000;
/** A blocking consumer sleeps for every record, so it gets fewer, wider-spaced samples. */
const BLOCK_SAMPLE_SHARE = 0.1;

function parseOptions(args: string[]): Options {
  const raw: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (!flag.startsWith('--') || i + 1 >= args.length) {
      process.stderr.write(`bot4 bench ring: bad argument '${flag}' (expected --name value)\n`);
      process.exit(2);
    }
    raw[flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = args[++i];
  }
  const parsed = Options.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : String(issue.path[0]);
    const why = issue.code === 'unrecognized_keys' ? 'unknown option' : issue.message;
    process.stderr.write(`bot4 bench ring: bad --${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${why}\n`);
    process.exit(2);
  }
  return parsed.data;
}

class Side {
  private constructor(readonly worker: Worker, readonly pin: PinReport) {}

  static start(core: number): Promise<Side> {
    const worker = new Worker(new URL('./ring-bench-worker.js', import.meta.url), { workerData: { core } });
    return new Promise((resolve, reject) => {
      worker.once('message', (pin: PinReport) => resolve(new Side(worker, pin)));
      worker.once('error', reject);
    });
  }

  request(command: Command, transfer: Transferable[] = []): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.worker.once('error', onError);
      this.worker.once('message', (r: Reply) => {
        this.worker.off('error', onError);
        resolve(r);
      });
      this.worker.postMessage(command, transfer as never);
    });
  }
}

interface Throughput {
  perSec: number;
  gcProducer: number;
  gcConsumer: number;
}

async function throughput(producer: Side, consumer: Side, transport: Transport, o: Options): Promise<Throughput> {
  const ctl = new SharedArrayBuffer(CTL_BYTES);
  let produced: Promise<Reply>;
  let consumed: Promise<Reply>;
  let records = o.records;
  if (transport === 'postMessage') {
    records = o.pmRecords;
    const { port1, port2 } = new MessageChannel();
    consumed = consumer.request({ cmd: 'consume', transport, port: port2, ctl, records }, [port2]);
    produced = producer.request({ cmd: 'produce', transport, port: port1, ctl, records, window: PM_WINDOW }, [port1]);
  } else {
    const sab =
      transport === 'ring' ? createRingBuffer(o.slots) : RingBuffer.getStorageForCapacity(o.slots * RECORD_F64, Float64Array);
    consumed = consumer.request({ cmd: 'consume', transport, sab, ctl, records, batch: o.batch });
    produced = producer.request({ cmd: 'produce', transport, sab, ctl, records, batch: o.batch });
  }
  const c = await consumed;
  if (c.badSeq >= 0 || c.received !== records || c.checksum !== expectedChecksum(records)) {
    throw new Error(`${transport}: records lost, reordered or corrupt (received ${c.received} of ${records}, first bad seq ${c.badSeq})`);
  }
  const p = await produced;
  return { perSec: records / ((c.time - p.time) / 1e9), gcProducer: p.gc, gcConsumer: c.gc };
}

async function latency(producer: Side, consumer: Side, strategy: WaitStrategyName, samples: number, gapNs: number): Promise<Float64Array> {
  const sab = createRingBuffer(64);
  const ctl = new SharedArrayBuffer(CTL_BYTES);
  const out = new SharedArrayBuffer(samples * 8);
  const consumed = consumer.request({ cmd: 'latency-consume', sab, ctl, samples, strategy, out });
  const produced = producer.request({ cmd: 'latency-produce', sab, ctl, samples, gapNs, strategy });
  const c = await consumed;
  if (c.badSeq >= 0) throw new Error(`latency (${strategy}): sample ${c.badSeq} lost or out of order`);
  await produced;
  return new Float64Array(out);
}

function pooled(runs: Float64Array[]): number[] {
  const all: number[] = [];
  for (const r of runs) for (const x of r) all.push(x);
  return all;
}

function throughputRow(name: string, runs: Throughput[], note: string): BenchResult {
  const rates = runs.map((r) => r.perSec / 1e6);
  const gcs = runs.map((r) => `${r.gcProducer}/${r.gcConsumer}`).join(' ');
  return {
    name,
    unit: 'M records/s',
    median: median(rates),
    runs: runs.length,
    note: `${note}; range ${Math.min(...rates).toPrecision(3)}-${Math.max(...rates).toPrecision(3)}; GCs P/C per run ${gcs}`,
  };
}

function latencyRow(name: string, runs: Float64Array[], note: string): BenchResult {
  const all = pooled(runs);
  return { name, unit: 'ns', median: median(all), p99: percentile(all, 99), runs: runs.length, note: `${all.length} samples; ${note}` };
}

export async function run(args: string[]): Promise<BenchReport> {
  const o = parseOptions(args);
  const [producer, consumer] = await Promise.all([Side.start(0), Side.start(1)]);
  try {
    const pinned = producer.pin.ok && consumer.pin.ok;
    const pinNote = pinned
      ? 'pinned P core 0, C core 1'
      : `UNPINNED (${producer.pin.reason ?? consumer.pin.reason ?? 'unknown'})`;
    const results: Record<Transport, Throughput[]> = { ring: [], ringbuf: [], postMessage: [] };
    const order: Transport[] = ['ring', 'ringbuf', 'postMessage'];
    // Warm-up: JIT-compile every loop before anything is timed.
    for (const t of order) await throughput(producer, consumer, t, { ...o, records: o.records >> 3, pmRecords: o.pmRecords >> 3 });
    const spin: Float64Array[] = [];
    const block: Float64Array[] = [];
    const blockSamples = Math.max(100, Math.round(o.latencySamples * BLOCK_SAMPLE_SHARE));
    await latency(producer, consumer, 'spin', 1000, SPIN_GAP_NS);
    for (let r = 0; r < o.runs; r++) {
      for (const t of order) results[t].push(await throughput(producer, consumer, t, o));
      spin.push(await latency(producer, consumer, 'spin', o.latencySamples, SPIN_GAP_NS));
      block.push(await latency(producer, consumer, 'block', blockSamples, BLOCK_GAP_NS));
    }
    const geometry = `batch ${o.batch}, ${o.slots} slots`;
    const report: BenchReport = {
      suite: 'ring',
      machine: machineInfo(),
      results: [
        throughputRow('bot4 ring', results.ring, `${geometry}, ${pinNote}`),
        throughputRow('ringbuf.js 0.4 push/pop', results.ringbuf, geometry),
        throughputRow('postMessage, 1 record/msg', results.postMessage, `window ${PM_WINDOW}`),
        latencyRow('ring one-way latency, spin', spin, `1 record every ${SPIN_GAP_NS / 1000} µs, from intended send time`),
        latencyRow('ring one-way latency, block', block, `1 record every ${BLOCK_GAP_NS / 1000} µs; includes the wake-up`),
      ],
      ratios: {},
    };
    const ring = report.results[0].median;
    report.ratios.vs_postMessage = throughputRatio(ring, report.results[2].median);
    report.ratios.vs_ringbuf = throughputRatio(ring, report.results[1].median);
    return report;
  } finally {
    await Promise.all([producer.worker.terminate(), consumer.worker.terminate()]);
  }
}
