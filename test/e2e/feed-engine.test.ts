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
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { scratchStateArgs } from './fixtures/scratch-state.js';
import { FeedSim } from '../../sim/feed/feed-sim-server.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('feed through the engine', function () {
  this.timeout(60_000);

  it('binance feed-sim -> engine: ticks reach workers, stall -> MARKET_DATA_STALE, garbage counted, no order lost', async () => {
    // Faults are injected once the engine shows it trades on live ticks, not
    // on a clock started with the simulator: a slow start must not let the
    // stall pass before the engine is there to see it.
    const sim = await FeedSim.start({ venue: 'binance', rate: 2000, symbols: 4, durationMs: 60_000 });
    try {
      const args = ['--feed', sim.url('/ws'), '--venue', 'binance', '--subscribe', 'BTC/USDT,ETH/USDT,SOL/USDT,BNB/USDT', '--stale-ms', '500', '--rate', '5000', '--duration', '0', '--metrics', 'json', '--workers', '2'];
      const child = spawn(`${root}taskset.sh`, [...args, ...scratchStateArgs()], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      const lines: Array<Record<string, any>> = [];
      let partial = '';
      let err = '';
      let phase: 'warm' | 'stalled' | 'stale-seen' | 'done' = 'warm';
      const after = (ms: number, f: () => void) => setTimeout(f, ms);
      child.stderr.on('data', (d) => (err += d));
      child.stdout.on('data', (d) => {
        partial += d;
        const parts = partial.split('\n');
        partial = parts.pop()!;
        for (const l of parts) {
          if (!l.startsWith('{')) continue;
          const line = JSON.parse(l);
          lines.push(line);
          if (phase === 'warm' && line.msg === 'metrics' && line.feed?.ticks > 0 && line.accepted > 0) {
            phase = 'stalled';
            sim.inject({ kind: 'stall', arg: 1500 });
          } else if (phase === 'stalled' && line.msg === 'feed silent: reference prices stale') {
            phase = 'stale-seen';
            after(2000, () => {
              sim.inject({ kind: 'garbage', arg: 20 });
              after(1500, () => {
                phase = 'done';
                child.kill('SIGINT');
              });
            });
          }
        }
      });
      const guard = after(45_000, () => child.kill('SIGINT'));
      const code = await new Promise((r) => child.on('close', r));
      clearTimeout(guard);
      expect(phase, 'every fault injected before the engine stopped').to.equal('done');
      expect(code, err).to.equal(0);
      const summary = lines.find((l) => l.msg === 'summary')!;
      expect(summary.decided).to.equal(summary.generated);
      expect(summary.lost).to.equal(0);
      // Counts, not rates: how many ticks arrive and how much of the run is stale depend on the machine's speed.
      expect(summary.feed.ticks).to.be.greaterThan(0);
      expect(summary.feed.staleEvents).to.be.at.least(1);
      expect(summary.feed.rejected).to.be.at.least(20); // the 20 garbage messages injected
      expect(summary.tickLatencyUs.count).to.be.greaterThan(0); // ticks reached the workers
      expect(summary.rejected.MARKET_DATA_STALE ?? 0).to.be.greaterThan(0);
      // Priced off the live references: with --feed the workers' only reference prices are the feed's
      // ticks (the generator makes none), and an order is accepted only inside the collar around one.
      expect(summary.accepted).to.be.greaterThan(0);
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

  /** Runs the launcher to its end; stdout's JSON lines and stderr. */
  async function launch(args: string[]): Promise<{ code: number | null; lines: Array<Record<string, any>>; err: string }> {
    const child = spawn(`${root}taskset.sh`, [...args, '--duration', '20', '--metrics', 'json', '--workers', '1', '--rate', '1000'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    return { code, err, lines: out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)) };
  }

  it('coinbase refuses the only symbol (not a valid product): an error line naming it, then a fatal stop, exit 3', async () => {
    const sim = await FeedSim.start({ venue: 'coinbase', rate: 100, symbols: 4, durationMs: 60_000 });
    try {
      const { code, lines, err } = await launch(['--feed', sim.url('/'), '--venue', 'coinbase', '--subscribe', 'BTC/USD']);
      expect(code, err).to.equal(3);
      const refused = lines.filter((l) => l.level === 50);
      expect(refused.map((l) => l.msg)).to.deep.equal(['feed subscription refused: BTC/USD (coinbase: BTC-USD is not a valid product)']);
      expect(err.trim().split('\n')).to.deep.equal([`bot4: the engine stopped: feed ${sim.url('/')}: coinbase refused every subscription (BTC-USD is not a valid product)`]);
      const summary = lines.find((l) => l.msg === 'summary')!;
      expect(summary.lost).to.equal(0);
    } finally {
      await sim.close();
    }
  });

  it('a feed URL that answers 404 is one error line and exit 3, not a retry loop', async () => {
    const http = createServer((_q, r) => r.writeHead(404).end()).listen(0, '127.0.0.1');
    await new Promise((r) => http.once('listening', r));
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/nope`;
    try {
      const { code, lines, err } = await launch(['--feed', url, '--venue', 'binance', '--subscribe', 'BTC/USDT']);
      expect(code, err).to.equal(3);
      expect(lines.filter((l) => l.level >= 40 && /feed/.test(l.msg)).map((l) => l.msg)).to.deep.equal([`feed ${url}: Unexpected server response: 404; not retried`]);
      expect(err.trim()).to.equal(`bot4: the engine stopped: feed ${url}: Unexpected server response: 404`);
    } finally {
      http.closeAllConnections();
      http.close();
    }
  });
});
