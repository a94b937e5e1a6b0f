/**
 * Frame layouts: every field of every frame kind sits at the byte offset the
 * diagram in ipc/frame-layout.ts documents, fits in the 64-byte slot, overlaps
 * no other field of its kind, and round-trips through a ring slot.
 */
import { expect } from 'chai';
import {
  Control,
  ControlOp,
  Decision,
  Fill,
  Frame,
  FRAME_BYTES,
  FRAME_F64,
  FRAME_I32,
  FrameKind,
  MarketTick,
  NewOrder,
  OrderFinal,
  OrderFlag,
  OrderType,
  Side,
} from '../ipc/frame-layout.js';
import { createRingBuffer, RingConsumer, RingProducer } from '../ipc/spsc-ring.js';

interface Field {
  name: string;
  type: 'i32' | 'f64';
  /** Index in the slot's Int32Array (i32) or Float64Array (f64) view. */
  index: number;
  /** Byte offset the diagram in ipc/frame-layout.ts gives. */
  byte: number;
}

type Table = Record<string, number>;
/** Each kind's field table, as the code reads frames through it. */
const TABLES: Record<Exclude<keyof typeof FrameKind, 'Empty'>, Table> = { MarketTick, NewOrder, Decision, Fill, Control, OrderFinal };
let table: Table = Frame;
const i32 = (name: string, byte: number): Field => ({ name, type: 'i32', index: table[name], byte });
const f64 = (name: string, byte: number): Field => ({ name, type: 'f64', index: table[name], byte });
const kind = (t: Table, fields: () => Field[]): Field[] => {
  table = t;
  return fields();
};

const HEADER = kind(Frame, () => [i32('kind', 0), i32('symbol', 4)]);

const KINDS: Record<Exclude<keyof typeof FrameKind, 'Empty'>, Field[]> = {
  MarketTick: kind(MarketTick, () => [f64('time', 8), f64('bid', 16), f64('ask', 24), f64('last', 32), f64('bidQty', 40), f64('askQty', 48), f64('exchSeq', 56)]),
  NewOrder: kind(NewOrder, () => [
    f64('time', 8),
    f64('clientId', 16),
    f64('price', 24),
    f64('quantity', 32),
    i32('seq', 40),
    i32('side', 44),
    i32('type', 48),
    i32('flags', 52),
    i32('account', 56),
    i32('venue', 60),
  ]),
  Decision: kind(Decision, () => [
    f64('time', 8),
    f64('clientId', 16),
    f64('price', 24),
    f64('quantity', 32),
    i32('seq', 40),
    i32('side', 44),
    i32('reason', 48),
    i32('queuedNs', 52),
    i32('account', 56),
    i32('venue', 60),
  ]),
  Fill: kind(Fill, () => [f64('time', 8), f64('clientId', 16), f64('price', 24), f64('quantity', 32), i32('side', 44), i32('leavesOpen', 48)]),
  Control: kind(Control, () => [f64('time', 8), f64('arg', 16), i32('op', 24)]),
  OrderFinal: kind(OrderFinal, () => [f64('time', 8), f64('clientId', 16), f64('filledQty', 32), i32('state', 40), i32('reason', 44)]),
};

function byteRange(f: Field): [number, number] {
  const size = f.type === 'i32' ? 4 : 8;
  return [f.index * size, f.index * size + size];
}

const I32_VALUES = [0x7fffffff, -0x80000000, -1, 0x12345678, 7, -3];
const F64_VALUES = [2 ** 53 - 1, 0.1, NaN, -0, 1e-300, -123456.789, Infinity, -(2 ** 60)];

/** The k-th test value of a field: extremes, signs, NaN, -0 and fractions first, then plain distinct numbers. */
function valueFor(f: Field, k: number): number {
  if (f.type === 'i32') return k < I32_VALUES.length ? I32_VALUES[k] : 1000 + k;
  return k < F64_VALUES.length ? F64_VALUES[k] : 1000.25 + k;
}

describe('frame-layout', () => {
  it('frames are one 64-byte slot: 16 int32 or 8 float64', () => {
    expect([FRAME_BYTES, FRAME_I32, FRAME_F64]).to.deep.equal([64, 16, 8]);
  });

  it('frame kinds are distinct and 0 is Empty', () => {
    const values = Object.values(FrameKind);
    expect(new Set(values).size).to.equal(values.length);
    expect(FrameKind.Empty).to.equal(0);
    expect(Object.keys(KINDS).sort()).to.deep.equal(Object.keys(FrameKind).filter((k) => k !== 'Empty').sort());
  });

  it('enumerations are distinct and non-zero where 0 would be ambiguous', () => {
    expect(Side.Buy).to.equal(-Side.Sell);
    expect(OrderType.Limit).to.not.equal(OrderType.Market);
    expect(OrderFlag.ReduceOnly & OrderFlag.PostOnly).to.equal(0);
    const ops = Object.values(ControlOp);
    expect(new Set(ops).size).to.equal(ops.length);
    expect(ops).to.not.include(0);
  });

  for (const [kind, body] of Object.entries(KINDS)) {
    describe(kind, () => {
      const fields = [...HEADER, ...body];

      it('its table names exactly the fields the diagram documents for it', () => {
        expect(Object.keys(TABLES[kind as keyof typeof TABLES]).sort()).to.deep.equal(body.map((f) => f.name).sort());
      });

      it('places every field at its documented byte offset, inside the frame', () => {
        for (const f of fields) {
          const [start, end] = byteRange(f);
          expect(start, f.name).to.equal(f.byte);
          expect(end, f.name).to.be.at.most(FRAME_BYTES);
        }
      });

      it('no two fields overlap', () => {
        for (let a = 0; a < fields.length; a++) {
          for (let b = a + 1; b < fields.length; b++) {
            const [s1, e1] = byteRange(fields[a]);
            const [s2, e2] = byteRange(fields[b]);
            expect(e1 <= s2 || e2 <= s1, `${fields[a].name} / ${fields[b].name}`).to.equal(true);
          }
        }
      });

      it('round-trips every field through a ring slot, and writing one field changes no other', () => {
        const sab = createRingBuffer(4);
        const producer = new RingProducer(sab);
        const consumer = new RingConsumer(sab);
        // Go round the ring once so the frame lands in a slot other than the first.
        for (let i = 0; i < 3; i++) producer.claim();
        producer.publish();
        consumer.available();
        consumer.advance(3);
        consumer.release();

        const slot = producer.claim();
        // Dirty the slot first: a field that is never written must not read as written.
        for (let w = 0; w < FRAME_I32; w++) producer.i32[slot + w] = 0x5a5a5a5a;
        const write = (f: Field, v: number): void => {
          if (f.type === 'i32') producer.i32[slot + f.index] = v;
          else producer.f64[(slot >> 1) + f.index] = v;
        };
        fields.forEach((f, k) => write(f, f.name === 'kind' ? FrameKind[kind as keyof typeof FrameKind] : valueFor(f, k)));
        producer.publish();

        expect(consumer.available()).to.equal(1);
        const at = consumer.frameAt(0);
        expect(at).to.equal(slot);
        const read = (f: Field): number => (f.type === 'i32' ? consumer.i32[at + f.index] : consumer.f64[(at >> 1) + f.index]);
        const expected = (f: Field, k: number): number =>
          f.name === 'kind' ? FrameKind[kind as keyof typeof FrameKind] : valueFor(f, k);
        fields.forEach((f, k) => expect(Object.is(read(f), expected(f, k)), `${f.name}: ${read(f)}`).to.equal(true));

        // Overwrite each field in turn; all the others keep their values.
        fields.forEach((f, k) => {
          write(f, valueFor(f, k + 1));
          fields.forEach((g, j) => {
            const want = j < k ? valueFor(g, j + 1) : j === k ? valueFor(f, k + 1) : expected(g, j);
            expect(Object.is(read(g), want), `after writing ${f.name}, ${g.name}: ${read(g)}`).to.equal(true);
          });
        });
        consumer.advance(1);
        consumer.release();
      });
    });
  }
});
