/**
 * A thread of the ring benchmark: pins itself to workerData.core, then runs
 * the producer or consumer side of each command in ring-bench-protocol.ts and
 * replies with a Reply. The hot loops write and read whole 8-float64 records
 * and allocate nothing, except where the transport itself does (postMessage).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { RingBuffer } from 'ringbuf.js';
import { pinThreadToCore } from '../core/affinity/cpu-affinity.js';
import { monotonicClock } from '../core/clock/monotonic-clock.js';
import { RingConsumer, RingProducer } from '../ipc/spsc-ring.js';
import { Doorbell } from '../ipc/doorbell.js';
import { applyWaitStrategy, IdleStrategy } from '../ipc/wait-strategy.js';
import { CTL_ACKED, CTL_BARRIER, RECORD_F64, type Command, type PinReport, type Reply } from './ring-bench-protocol.js';

const clock = monotonicClock();
const core = (workerData as { core: number }).core;
const pin = pinThreadToCore(core);
const pinReport: PinReport = { ok: pin.ok, core, allowed: pin.allowed, reason: pin.reason };

let gcCount = 0;
new PerformanceObserver((list) => {
  gcCount += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

/**
 * GCs on this thread so far. Entries arrive only through the event loop (and
 * their startTime is unreliable after a blocking loop), so this yields to it
 * first; callers read it before and after a timed loop.
 */
async function gcsSoFar(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return gcCount;
}

function barrier(ctl: Int32Array): void {
  // Seq-cst add then spin on load: both sides leave once both have arrived.
  Atomics.add(ctl, CTL_BARRIER, 1);
  while (Atomics.load(ctl, CTL_BARRIER) < 2);
}

function reply(time: number, gc: number, received = 0, badSeq = -1, checksum = 0): Reply {
  return { time, gc, received, badSeq, checksum };
}

// ---- bot4 ring: records written in place into claimed slots, one publish/release per batch ----

function ringProduce(producer: RingProducer, records: number, batch: number): void {
  const f64 = producer.f64;
  let seq = 0;
  while (seq < records) {
    const n = producer.claimRun(records - seq < batch ? records - seq : batch);
    if (n === 0) continue;
    let s = producer.runStart >> 1;
    for (let i = 0; i < n; i++, s += 8) {
      f64[s] = seq;
      f64[s + 1] = seq + 1;
      f64[s + 2] = seq + 2;
      f64[s + 3] = seq + 3;
      f64[s + 4] = seq + 4;
      f64[s + 5] = seq + 5;
      f64[s + 6] = seq + 6;
      f64[s + 7] = seq + 7;
      seq++;
    }
    producer.publish();
  }
}

/**
 * Consumer loops report through `out`: out[0] = records received in order,
 * out[1] += the checksum. A float64 local summed over millions of iterations
 * gets boxed (one allocation per add, measured here), a typed-array slot does not.
 */
function ringConsume(consumer: RingConsumer, records: number, batch: number, out: Float64Array): void {
  const f64 = consumer.f64;
  let expected = 0;
  while (expected < records) {
    const n = consumer.readRun(batch);
    if (n === 0) continue;
    let s = consumer.runStart >> 1;
    for (let k = 0; k < n; k++, s += 8) {
      if (f64[s] !== expected) {
        out[0] = expected;
        return;
      }
      out[1] += f64[s + 1] + f64[s + 2] + f64[s + 3] + f64[s + 4] + f64[s + 5] + f64[s + 6] + f64[s + 7];
      expected++;
    }
    consumer.advance(n);
    consumer.release();
  }
  out[0] = expected;
}

// ---- ringbuf.js: its push/pop API copies records through a batch-sized staging array ----

function ringbufProduce(rb: RingBuffer, records: number, batch: number, stage: Float64Array): void {
  let seq = 0;
  while (seq < records) {
    let n = rb.availableWrite() >> 3;
    if (n === 0) continue;
    if (n > batch) n = batch;
    if (n > records - seq) n = records - seq;
    for (let i = 0; i < n; i++) {
      const s = i << 3;
      stage[s] = seq;
      stage[s + 1] = seq + 1;
      stage[s + 2] = seq + 2;
      stage[s + 3] = seq + 3;
      stage[s + 4] = seq + 4;
      stage[s + 5] = seq + 5;
      stage[s + 6] = seq + 6;
      stage[s + 7] = seq + 7;
      seq++;
    }
    rb.push(stage, n << 3);
  }
}

function ringbufConsume(rb: RingBuffer, records: number, stage: Float64Array, out: Float64Array): void {
  let expected = 0;
  while (expected < records) {
    // Whole records only: the producer pushes multiples of 8 elements, so pop returns them.
    const n = rb.pop(stage, stage.length) >> 3;
    for (let k = 0; k < n; k++) {
      const s = k << 3;
      if (stage[s] !== expected) {
        out[0] = expected;
        return;
      }
      out[1] += stage[s + 1] + stage[s + 2] + stage[s + 3] + stage[s + 4] + stage[s + 5] + stage[s + 6] + stage[s + 7];
      expected++;
    }
  }
  out[0] = expected;
}

// ---- postMessage: one message per record, structured-cloned; at most `window` in flight ----

function postMessageProduce(port: MessagePort, ctl: Int32Array, records: number, window: number): void {
  const record = new Float64Array(RECORD_F64);
  for (let seq = 0; seq < records; seq++) {
    while (seq - Atomics.load(ctl, CTL_ACKED) >= window);
    for (let j = 0; j < RECORD_F64; j++) record[j] = seq + j;
    port.postMessage(record);
  }
}

async function postMessageConsume(port: MessagePort, ctl: Int32Array, records: number): Promise<Reply> {
  const gc0 = await gcsSoFar();
  const out = new Float64Array(2);
  const { time, badSeq } = await new Promise<{ time: number; badSeq: number }>((resolve) => {
    let expected = 0;
    port.on('message', (r: Float64Array) => {
      if (r[0] !== expected) return resolve({ time: clock.nowNs(), badSeq: expected });
      out[1] += r[1] + r[2] + r[3] + r[4] + r[5] + r[6] + r[7];
      out[0] = ++expected;
      // Acknowledge in steps so flow control costs one Atomics.store per 256 records.
      if ((expected & 255) === 0) Atomics.store(ctl, CTL_ACKED, expected);
      if (expected === records) resolve({ time: clock.nowNs(), badSeq: -1 });
    });
    Atomics.add(ctl, CTL_BARRIER, 1);
  });
  port.close();
  return reply(time, (await gcsSoFar()) - gc0, out[0], badSeq, out[1]);
}

// ---- one-way latency: paced single-frame batches stamped with their intended send time ----

function latencyProduce(producer: RingProducer, samples: number, gapNs: number): void {
  const f64 = producer.f64;
  let due = clock.nowNs() + gapNs;
  for (let i = 0; i < samples; i++) {
    while (clock.nowNs() < due);
    let slot = producer.claim();
    while (slot < 0) slot = producer.claim();
    const s = slot >> 1;
    f64[s] = i;
    // Stamp the intended time, so a late producer shows up as latency (no coordinated omission).
    f64[s + 1] = due;
    for (let j = 2; j < RECORD_F64; j++) f64[s + j] = i + j;
    producer.publish();
    due += gapNs;
  }
}

function latencyConsume(consumer: RingConsumer, idler: IdleStrategy, samples: number, out: Float64Array): number {
  const f64 = consumer.f64;
  const look = { doWork: () => consumer.available() };
  let got = 0;
  while (got < samples) {
    const n = consumer.available();
    if (n === 0) {
      idler.idle(look);
      continue;
    }
    idler.reset();
    const now = clock.nowNs();
    for (let k = 0; k < n; k++) {
      const s = consumer.frameAt(k) >> 1;
      if (f64[s] !== got) return got;
      out[got++] = now - f64[s + 1];
    }
    consumer.advance(n);
    consumer.release();
  }
  return got;
}

async function produce(c: Extract<Command, { cmd: 'produce' }>, ctl: Int32Array): Promise<Reply> {
  const gc0 = await gcsSoFar();
  let time: number;
  if (c.transport === 'postMessage') {
    barrier(ctl);
    time = clock.nowNs();
    // The consumer closes the channel once it has everything: closing here could drop records in flight.
    postMessageProduce(c.port, ctl, c.records, c.window);
  } else if (c.transport === 'ring') {
    const producer = new RingProducer(c.sab);
    barrier(ctl);
    time = clock.nowNs();
    ringProduce(producer, c.records, c.batch);
  } else {
    const rb = new RingBuffer(c.sab, Float64Array);
    const stage = new Float64Array(c.batch * RECORD_F64);
    barrier(ctl);
    time = clock.nowNs();
    ringbufProduce(rb, c.records, c.batch, stage);
  }
  return reply(time, (await gcsSoFar()) - gc0);
}

async function consume(c: Extract<Command, { cmd: 'consume' }>, ctl: Int32Array): Promise<Reply> {
  if (c.transport === 'postMessage') return postMessageConsume(c.port, ctl, c.records);
  const gc0 = await gcsSoFar();
  const out = new Float64Array(2);
  if (c.transport === 'ring') {
    const consumer = new RingConsumer(c.sab);
    barrier(ctl);
    ringConsume(consumer, c.records, c.batch, out);
  } else {
    const rb = new RingBuffer(c.sab, Float64Array);
    const stage = new Float64Array(c.batch * RECORD_F64);
    barrier(ctl);
    ringbufConsume(rb, c.records, stage, out);
  }
  const time = clock.nowNs();
  return reply(time, (await gcsSoFar()) - gc0, out[0], out[0] === c.records ? -1 : out[0], out[1]);
}

async function handle(c: Command): Promise<Reply> {
  const ctl = new Int32Array(c.ctl);
  switch (c.cmd) {
    case 'produce':
      return produce(c, ctl);
    case 'consume':
      return consume(c, ctl);
    case 'latency-produce': {
      const producer = new RingProducer(c.sab);
      applyWaitStrategy(c.strategy, { producer, consumerDoorbell: c.bell });
      barrier(ctl);
      latencyProduce(producer, c.samples, c.gapNs);
      return reply(clock.nowNs(), 0);
    }
    case 'latency-consume': {
      const consumer = new RingConsumer(c.sab);
      applyWaitStrategy(c.strategy, { consumer });
      const idler = new IdleStrategy(c.strategy, new Doorbell(c.bell), 1000);
      barrier(ctl);
      const got = latencyConsume(consumer, idler, c.samples, new Float64Array(c.out));
      return reply(clock.nowNs(), 0, got, got === c.samples ? -1 : got);
    }
  }
}

parentPort!.on('message', (c: Command) => {
  void handle(c).then((r) => parentPort!.postMessage(r));
});
parentPort!.postMessage(pinReport);
