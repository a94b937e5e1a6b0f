/**
 * ring: one producer thread (core 0) and one consumer thread (core 1) move
 * 64-byte records, written whole and read whole (ring-bench-protocol.ts),
 * through the bot4 SPSC ring, through ringbuf.js 0.4 (its push/pop API, same
 * batch size, same capacity in records) and through postMessage (one record per
 * message, a bounded window in flight), interleaved run by run so all three
 * see the same machine. The rings run twice: in batches of --batch records,
 * and one record at a time (batch 1, as a dispatcher forwarding each frame as
 * it comes, and as postMessage does). Also the ring's one-way latency, paced,
 * with a spinning and with a blocking consumer.
 *
 * Options: --runs N (5) --records N (20e6; a tenth at batch 1) --pm-records N (5e5)
 *          --batch N (64) --slots N (4096) --latency-samples N (20000)
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { RingBuffer } from 'ringbuf.js';
import { z } from 'zod';
import { createDoorbell } from '../ipc/doorbell.js';
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
    // The checksum (ring-bench-protocol.ts) stays exact in float64 up to 4e7 records.
    records: z.coerce.number().int().min(1000).max(40_000_000).default(20_000_000),
    pmRecords: z.coerce.number().int().min(1000).max(40_000_000).default(500_000),
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

/** One measured configuration: a transport, and for the rings a batch size. */
interface Config {
  transport: Transport;
  batch: number;
  records: number;
}

async function throughput(producer: Side, consumer: Side, cfg: Config, slots: number): Promise<Throughput> {
  const { transport, batch, records } = cfg;
  const ctl = new SharedArrayBuffer(CTL_BYTES);
  let produced: Promise<Reply>;
  let consumed: Promise<Reply>;
  if (transport === 'postMessage') {
    const { port1, port2 } = new MessageChannel();
    consumed = consumer.request({ cmd: 'consume', transport, port: port2, ctl, records }, [port2]);
    produced = producer.request({ cmd: 'produce', transport, port: port1, ctl, records, window: PM_WINDOW }, [port1]);
  } else {
    const sab = transport === 'ring' ? createRingBuffer(slots) : RingBuffer.getStorageForCapacity(slots * RECORD_F64, Float64Array);
    consumed = consumer.request({ cmd: 'consume', transport, sab, ctl, records, batch });
    produced = producer.request({ cmd: 'produce', transport, sab, ctl, records, batch });
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
  const bell = createDoorbell();
  const consumed = consumer.request({ cmd: 'latency-consume', sab, bell, ctl, samples, strategy, out });
  const produced = producer.request({ cmd: 'latency-produce', sab, bell, ctl, samples, gapNs, strategy });
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
    const single = Math.max(1000, Math.round(o.records / 10));
    const configs: Config[] = [
      { transport: 'ring', batch: o.batch, records: o.records },
      { transport: 'ringbuf', batch: o.batch, records: o.records },
      { transport: 'ring', batch: 1, records: single },
      { transport: 'ringbuf', batch: 1, records: single },
      { transport: 'postMessage', batch: 1, records: o.pmRecords },
    ];
    const results: Throughput[][] = configs.map(() => []);
    // Warm-up, twice: the first pass optimises each loop on-stack, the second runs (and so
    // compiles) the whole function optimised, as every timed run will.
    await latency(producer, consumer, 'spin', 1000, SPIN_GAP_NS);
    for (let pass = 0; pass < 2; pass++) {
      for (const cfg of configs) await throughput(producer, consumer, { ...cfg, records: Math.max(1000, cfg.records >> 3) }, o.slots);
    }
    const spin: Float64Array[] = [];
    const block: Float64Array[] = [];
    const blockSamples = Math.max(100, Math.round(o.latencySamples * BLOCK_SAMPLE_SHARE));
    for (let r = 0; r < o.runs; r++) {
      for (let i = 0; i < configs.length; i++) results[i].push(await throughput(producer, consumer, configs[i], o.slots));
      spin.push(await latency(producer, consumer, 'spin', o.latencySamples, SPIN_GAP_NS));
      block.push(await latency(producer, consumer, 'block', blockSamples, BLOCK_GAP_NS));
    }
    const geometry = (batch: number): string => `batch ${batch}, ${o.slots} slots`;
    const report: BenchReport = {
      suite: 'ring',
      machine: machineInfo(),
      results: [
        throughputRow('bot4 ring', results[0], `${geometry(o.batch)}, ${pinNote}`),
        throughputRow('ringbuf.js 0.4 push/pop', results[1], geometry(o.batch)),
        throughputRow('bot4 ring, batch 1', results[2], geometry(1)),
        throughputRow('ringbuf.js 0.4, batch 1', results[3], geometry(1)),
        throughputRow('postMessage, 1 record/msg', results[4], `window ${PM_WINDOW}`),
        latencyRow('ring one-way latency, spin', spin, `1 record every ${SPIN_GAP_NS / 1000} µs, from intended send time`),
        latencyRow('ring one-way latency, block', block, `1 record every ${BLOCK_GAP_NS / 1000} µs; includes the wake-up`),
      ],
      ratios: {},
    };
    const [ring, ringbuf, ring1, ringbuf1, postMessage] = report.results.map((r) => r.median);
    report.ratios.vs_postMessage = throughputRatio(ring, postMessage);
    report.ratios.vs_ringbuf = throughputRatio(ring, ringbuf);
    report.ratios.vs_postMessage_batch1 = throughputRatio(ring1, postMessage);
    report.ratios.vs_ringbuf_batch1 = throughputRatio(ring1, ringbuf1);
    return report;
  } finally {
    await Promise.all([producer.worker.terminate(), consumer.worker.terminate()]);
  }
}
