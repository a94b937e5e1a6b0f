/**
 * The launcher as a user runs it: ./taskset.sh with the built-in generator,
 * JSON metrics on stdout, a graceful stop on duration or SIGINT, and bad
 * options refused with exit code 2 and one line naming the option.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scratchStateArgs } from './fixtures/scratch-state.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const launcher = `${root}taskset.sh`;
interface Line { msg: string; [k: string]: unknown }

function parseLines(stdout: string): Line[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

/**
 * Runs the launcher; with `interruptOn`, sends `signals` (SIGINT by default) once a stdout line satisfies it.
 * Two different signals sent at once arrive as two: two of the same may merge into one.
 */
function run(args: string[], opts: { interruptOn?: (l: Line) => boolean; signals?: NodeJS.Signals[] } = {}): Promise<{ code: number | null; lines: Line[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(launcher, [...args, ...scratchStateArgs()], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let interrupted = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (opts.interruptOn && !interrupted && parseLines(out.slice(0, out.lastIndexOf('\n') + 1)).some(opts.interruptOn)) {
        interrupted = true;
        for (const sig of opts.signals ?? ['SIGINT']) child.kill(sig);
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, lines: parseLines(out), stderr: err }));
  });
}

describe('launcher (taskset.sh)', function () {
  this.timeout(60_000);

  it('runs 3 s on the generator: every order gets exactly one decision, every spine reason shows up', async () => {
    const { code, lines, stderr } = await run(['--duration', '3', '--metrics', 'json', '--rate', '50000', '--bad-fraction', '0.05', '--workers', '1']);
    expect(code, stderr).to.equal(0);
    const summary = lines.find((l) => l.msg === 'summary') as Line & { generated: number; decided: number; accepted: number; rejectedTotal: number; lost: number; duplicates: number; rejected: Record<string, number> };
    expect(summary, 'summary line').to.exist;
    expect(summary.generated).to.be.greaterThan(0);
    expect(summary.decided).to.equal(summary.generated);
    expect(summary.accepted + summary.rejectedTotal).to.equal(summary.decided);
    expect(summary.lost).to.equal(0);
    expect(summary.duplicates).to.equal(0);
    for (const reason of ['UNKNOWN_SYMBOL', 'SYMBOL_NOT_TRADING', 'PRICE_INVALID', 'PRICE_OFF_TICK', 'QTY_INVALID', 'QTY_OFF_STEP', 'QTY_BELOW_MIN', 'QTY_ABOVE_MAX', 'NOTIONAL_ABOVE_MAX', 'PRICE_OUTSIDE_COLLAR', 'NO_REFERENCE_PRICE', 'DUPLICATE_CLIENT_ID']) {
      expect(summary.rejected[reason] ?? 0, reason).to.be.greaterThan(0);
    }
    const metrics = lines.filter((l) => l.msg === 'metrics');
    expect(metrics.length).to.be.at.least(3);
    expect(metrics[1]).to.include.keys('ordersPerS', 'decisionsPerS', 'latencyUs', 'hopsUs', 'ringPeak', 'backpressure', 'rssMb', 'heapMb', 'gc', 'rejectedByReason');
    const pinned = lines.filter((l) => l.msg === 'thread pinned' || l.msg === 'thread not pinned; running unpinned');
    expect(pinned.map((l) => ('worker' in l ? 'worker' : 'source'))).to.have.members(['worker', 'source']);
    for (const l of pinned) expect(l).to.include.keys('core', 'tid', 'pinVerified');
  });

  it('once warm, no thread collects garbage at --rate max: main, the order source, the worker', async () => {
    const { code, lines, stderr } = await run(['--duration', '9', '--metrics', 'json', '--rate', 'max', '--workers', '1', '--sources', '1', '--wait', 'spin']);
    expect(code, stderr).to.equal(0);
    const metrics = lines.filter((l) => l.msg === 'metrics') as Array<Line & { elapsedS: number; ordersPerS: number; gc: { main: number; workers: number; sources: number } }>;
    // Seconds 2 to 8 after the threads' warm-up, before the shutdown line. A per-order allocation
    // shows up as several collections a second. A line printed late on a busy machine reads 2.1
    // or 8.2, not 2 or 8: take the window by range.
    const warm = metrics.find((l) => l.elapsedS >= 2)!;
    const last = [...metrics].reverse().find((l) => l.elapsedS < 8.5)!;
    expect(warm, 'a metrics line from second 2 on').to.exist;
    expect(last.elapsedS, 'a later metrics line before second 8.5').to.be.above(warm.elapsedS);
    expect(last.ordersPerS, 'orders flowed').to.be.greaterThan(0);
    expect(last.gc.main - warm.gc.main, 'main GCs, seconds 2-8').to.equal(0);
    expect(last.gc.workers - warm.gc.workers, 'worker GCs, seconds 2-8').to.equal(0);
    expect(last.gc.sources - warm.gc.sources, 'source GCs, seconds 2-8').to.equal(0);
  });

  it('warms every thread before traffic and says how long it took', async () => {
    const { code, lines, stderr } = await run(['--duration', '1', '--metrics', 'json', '--rate', '20000', '--workers', '2', '--sources', '2']);
    expect(code, stderr).to.equal(0);
    const warm = lines.find((l) => l.msg?.startsWith('threads warm')) as Line & { ms: number; orders: number; workersMs: number[]; sourcesMs: number[] };
    expect(warm, 'the warm-up line').to.exist;
    // How many synthetic orders fit in the warm-up is a speed; that there were some, and per thread, is not.
    expect(warm.orders).to.be.greaterThan(0);
    expect(warm.workersMs).to.have.length(2);
    expect(warm.sourcesMs).to.have.length(2);
    // The warm-up's orders are not counted: a paced source sends no order before it is due, so the
    // run's count stays within the rate times the run's length (plus the generator's forced duplicates, < 1 %).
    const summary = lines.find((l) => l.msg === 'summary') as Line & { generated: number; elapsedS: number; sources: Array<{ warmupMs: number }> };
    expect(summary.generated).to.be.greaterThan(0);
    expect(summary.generated).to.be.at.most(20_000 * (summary.elapsedS + 0.1) * 1.01);
    expect(summary.sources.every((s) => s.warmupMs > 0)).to.equal(true);
  });

  it('stops gracefully on SIGINT when running until a signal', async () => {
    // Interrupted once the engine reports, so a slow start cannot put the signal before its handler.
    const { code, lines, stderr } = await run(['--duration', '0', '--metrics', 'json', '--rate', '20000'], { interruptOn: (l) => l.msg === 'metrics' });
    expect(code, stderr).to.equal(0);
    const summary = lines.find((l) => l.msg === 'summary') as Line & { generated: number; decided: number; lost: number };
    expect(summary.generated).to.be.greaterThan(0);
    expect(summary.decided).to.equal(summary.generated);
    expect(summary.lost).to.equal(0);
    expect(lines.some((l) => String(l.msg).startsWith('stopping') && l.reason === 'SIGINT')).to.equal(true);
  });

  it('a second signal exits 130 and still prints the counters it has', async () => {
    const { code, lines, stderr } = await run(['--duration', '0', '--metrics', 'json', '--rate', '20000', '--workers', '1'], { interruptOn: (l) => l.msg === 'metrics', signals: ['SIGINT', 'SIGTERM'] });
    expect(code, stderr).to.equal(130);
    const summary = lines.find((l) => l.msg === 'summary') as Line & { generated: number; forced: boolean };
    expect(summary, 'summary line').to.exist;
    expect(summary.forced).to.equal(true);
    expect(summary.generated).to.be.greaterThan(0);
  });

  it('a signal during start-up says so in one line and exits 130', async () => {
    // 'starting engine' comes before the threads' warm-up, which takes far longer than a signal's delivery.
    const { code, lines, stderr } = await run(['--duration', '0', '--metrics', 'json', '--workers', '1'], { interruptOn: (l) => l.msg === 'starting engine' });
    expect(code, stderr).to.equal(130);
    expect(lines.filter((l) => l.msg === 'interrupted during start-up')).to.have.length(1);
    expect(lines.some((l) => l.msg?.startsWith('threads warm'))).to.equal(false);
  });

  it('warns once at start when --ring-slots is below 1024', async () => {
    const { code, lines, stderr } = await run(['--duration', '1', '--metrics', 'json', '--rate', '20000', '--workers', '1', '--ring-slots', '2']);
    expect(code, stderr).to.equal(0);
    expect(lines.filter((l) => String(l.msg).startsWith('--ring-slots 2 is below 1024'))).to.have.length(1);
  });

  for (const flag of ['--help', '-h']) {
    it(`${flag} prints every option with the values it accepts and exits 0`, () => {
      const r = spawnSync(launcher, [flag], { cwd: root, encoding: 'utf8', timeout: 20_000 });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^usage: /);
      expect(r.stdout).to.include('--workers').and.include('accepts an integer from 1 to 256');
    });
  }

  const configs: Array<[string[], number, number]> = [
    [['--wait', 'block', '--workers', '1', '--sources', '1'], 1, 1],
    [['--wait', 'yield', '--workers', '3', '--sources', '2', '--burst', '5x1/2'], 3, 2],
    [['--wait', 'block', '--workers', '2', '--sources', '3'], 2, 3],
    [['--wait', 'spin', '--workers', '2', '--sources', '2', '--rate', 'max'], 2, 2],
  ];
  for (const [args, workers, sources] of configs) {
    it(`runs with ${args.join(' ')} (threads share cores) and decides every order of every source exactly once`, async () => {
      const { code, lines, stderr } = await run(['--duration', '2', '--metrics', 'json', '--rate', '20000', ...args]);
      expect(code, stderr).to.equal(0);
      const summary = lines.find((l) => l.msg === 'summary') as Line & {
        generated: number; decided: number; lost: number; duplicates: number; workers: Array<{ orders: number }>; sources: Array<{ generated: number; decided: number }>;
      };
      expect(summary.generated).to.be.greaterThan(0);
      expect(summary.decided).to.equal(summary.generated);
      expect(summary.lost).to.equal(0);
      expect(summary.duplicates).to.equal(0);
      expect(summary.workers).to.have.length(workers);
      expect(summary.sources).to.have.length(sources);
      for (const s of summary.sources) {
        expect(s.generated, 'each source sent orders').to.be.greaterThan(0);
        expect(s.decided).to.equal(s.generated);
      }
      expect(summary.workers.every((w) => w.orders > 0), 'each worker decided orders').to.equal(true);
    });
  }

  const bad: Array<[string[], string]> = [
    [['--workers', 'abc'], '--workers'],
    [['--workers', '0'], '--workers'],
    [['--rate', 'fast'], '--rate'],
    [['--wait', 'sleep'], '--wait'],
    [['--metrics', 'xml'], '--metrics'],
    [['--ring-slots', '1000'], '--ring-slots'],
    [['--cores', '1,x'], '--cores'],
    [['--cores', '999'], '--cores'],
    [['--duration', '-1'], '--duration'],
    [['--burst', '10x'], '--burst'],
    [['--frobnicate', '1'], '--frobnicate'],
    [['--symbols'], '--symbols'],
    [['--limits', '/nonexistent/limits.json'], '--limits'],
    [['--sources', '0'], '--sources'],
    [['--sources', '2.5'], '--sources'],
    [['--sources', '9', '--symbols', '8'], '--sources'],
    [['--cores', '1-999999999'], '--cores'],
    [['--workers', '1000'], '--workers'],
    [['--workers', '256', '--sources', '1'], '--workers'],
    [['--rate', 'max', '--burst', '2x1/2'], '--burst'],
    [['--orders', 'off'], '--orders'],
    [['--source-mode', 'replayed'], '--source-mode'],
    [['--source-mode', 'replay', '--feed', 'ws://127.0.0.1:1/ws', '--venue', 'binance', '--subscribe', 'BTC/USDT,ETH/USDT'], '--source-mode'],
  ];
  for (const [args, option] of bad) {
    it(`exits 2 naming ${option} for ${args.join(' ')}`, () => {
      // Bounded: an option wrongly accepted would start a run (a run until a signal, or hundreds of threads).
      const r = spawnSync(launcher, args, { cwd: root, encoding: 'utf8', timeout: 20_000 });
      expect(r.status).to.equal(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include(option);
      expect(r.stdout).to.equal('');
    });
  }
});
