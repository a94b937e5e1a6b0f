/**
 * The position board: attach refuses what is not a position board, rows
 * written by one version are read whole while a real worker thread rewrites
 * them, and a row left mid-write (its worker died) neither hangs the reader
 * nor stays odd once the restarted worker writes it again.
 */
import { expect } from 'chai';
import { Worker } from 'node:worker_threads';
import { createPositionBoard, PositionBoardReader, PositionBoardWriter, POSITION_BOARD } from '../core/risk/position-board.js';
import { createLimitsTable } from '../core/risk/limits-table.js';
import { CACHE_LINE_BYTES } from '../ipc/cache-line.js';
import { VERSION_I32 } from '../ipc/layout-header.js';

const FIELDS = ['position', 'avgPrice', 'realizedPnl', 'refMid', 'openOrders', 'openNotional'] as const;

describe('position board', () => {
  it('attach checks the magic, the version and the size, naming the layout', () => {
    expect(() => new PositionBoardReader(createLimitsTable(2))).to.throw(/position board/);
    const old = createPositionBoard(2);
    new Int32Array(old)[VERSION_I32] = POSITION_BOARD.version + 1;
    expect(() => new PositionBoardWriter(old)).to.throw(/position board.*version/);
    const short = new SharedArrayBuffer(createPositionBoard(2).byteLength - CACHE_LINE_BYTES);
    new Uint8Array(short).set(new Uint8Array(createPositionBoard(2), 0, short.byteLength));
    expect(() => new PositionBoardReader(short)).to.throw(/position board/);
  });

  it('a row reads back as written; the mid is NaN before the first write', () => {
    const sab = createPositionBoard(3);
    const reader = new PositionBoardReader(sab);
    expect(reader.read(1).refMid).to.be.NaN;
    new PositionBoardWriter(sab).write(1, Float64Array.of(0, -0.5, 60000, -12.5, 60010, 2, 1234.5));
    expect(reader.read(1)).to.deep.equal({ position: -0.5, avgPrice: 60000, realizedPnl: -12.5, refMid: 60010, openOrders: 2, openNotional: 1234.5 });
    expect(reader.read(0).position).to.equal(0);
  });

  it('a row left mid-write is reported torn, and the restarted writer makes it whole again', () => {
    const sab = createPositionBoard(1);
    // The seq word of row 0 (first int32 after the header line), left odd as by a worker that died.
    new Int32Array(sab, CACHE_LINE_BYTES)[0] = 3;
    const reader = new PositionBoardReader(sab);
    expect(reader.read(0).torn).to.equal(true);
    new PositionBoardWriter(sab).write(0, Float64Array.of(0, 1, 2, 3, 4, 5, 6));
    expect(reader.read(0)).to.deep.equal({ position: 1, avgPrice: 2, realizedPnl: 3, refMid: 4, openOrders: 5, openNotional: 6 });
  });

  it('main reads whole rows while a worker thread rewrites them', async function () {
    this.timeout(20_000);
    const board = createPositionBoard(4);
    const stop = new SharedArrayBuffer(4);
    const worker = new Worker(new URL('./fixtures/position-board-writer.js', import.meta.url), { workerData: { board, stop } });
    const exited = new Promise<number>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', resolve);
    });
    await new Promise((resolve) => worker.once('online', resolve));
    const reader = new PositionBoardReader(board);
    const versions = new Set<number>();
    let torn = 0;
    const end = Date.now() + 300;
    // At least 300 ms, and on until the writer's progress has been seen: how fast it is depends on the machine.
    for (let n = 1; Date.now() < end || versions.size <= 10; n++) {
      const row = reader.read(n % 4);
      if (row.position === 0) continue; // not written yet (its mid is NaN)
      if (FIELDS.some((f) => row[f] !== row.position) || row.torn) torn++;
      versions.add(row.position);
      if (n % 1024 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    Atomics.store(new Int32Array(stop), 0, 1);
    expect(await exited).to.equal(0);
    expect(versions.size).to.be.greaterThan(10);
    expect(torn).to.equal(0);
  });
});
