/**
 * A venue feed through the whole engine, as a user runs it: the simulator on
 * 127.0.0.1 -> ./taskset.sh --feed -> rings -> workers. Ticks reach the
 * workers (tick latency recorded), generated orders are checked against the
 * live references, a stall marks the references stale (MARKET_DATA_STALE
 * rejects) until data resumes, garbage is counted and skipped, and every
 * order still gets exactly one decision.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FeedSim } from '../scripts/feed-sim/feed-sim-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('feed through the engine', function () {
  this.timeout(60_000);

  it('binance feed-sim -> engine: ticks reach workers, stall -> MARKET_DATA_STALE, garbage counted, no order lost', async () => {
    const sim = await FeedSim.start({
      venue: 'binance',
      rate: 2000,
      symbols: 4,
      durationMs: 20_000,
      schedule: [
        { kind: 'stall', atMs: 1500, arg: 1500 },
        { kind: 'garbage', atMs: 3500, arg: 20 },
      ],
    });
    try {
      const args = ['--feed', sim.url('/ws'), '--venue', 'binance', '--subscribe', 'BTC/USDT,ETH/USDT,SOL/USDT,BNB/USDT', '--stale-ms', '500', '--rate', '5000', '--duration', '5', '--metrics', 'json', '--workers', '2'];
      const child = spawn(`${root}taskset.sh`, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      const code = await new Promise((r) => child.on('close', r));
      expect(code, err).to.equal(0);
      const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      const summary = lines.find((l) => l.msg === 'summary');
      expect(summary.decided).to.equal(summary.generated);
      expect(summary.lost).to.equal(0);
      expect(summary.feed.ticks).to.be.greaterThan(3000);
      expect(summary.feed.staleEvents).to.be.at.least(1);
      expect(summary.feed.rejected).to.be.at.least(20);
      expect(summary.tickLatencyUs.count).to.be.greaterThan(3000);
      expect(summary.rejected.MARKET_DATA_STALE ?? 0).to.be.greaterThan(0);
      expect(summary.accepted).to.be.greaterThan(summary.generated / 2); // priced off the live references
      expect(lines.some((l) => l.msg === 'feed silent: reference prices stale')).to.equal(true);
    } finally {
      await sim.close();
    }
  });

  it('refuses --feed without --venue, --subscribe of an unknown instrument, and --venue without --feed', () => {
    for (const [args, name] of [
      [['--feed', 'ws://127.0.0.1:1/ws', '--subscribe', 'BTC/USDT'], '--venue'],
      [['--feed', 'ws://127.0.0.1:1/ws', '--venue', 'kraken', '--subscribe', 'FOO/BAR'], '--subscribe'],
      [['--venue', 'kraken'], '--venue'],
      [['--seq-check', 'monotonic'], '--seq-check'],
      [['--feed', 'ws://127.0.0.1:1/ws', '--venue', 'binance', '--subscribe', 'BTC/USDT', '--seq-check', 'loose'], '--seq-check'],
      [['--feed', 'http://x', '--venue', 'kraken', '--subscribe', 'BTC/USD'], '--feed'],
    ] as Array<[string[], string]>) {
      const r = spawnSync(`${root}taskset.sh`, args, { cwd: root, encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.include(name);
    }
  });
});
