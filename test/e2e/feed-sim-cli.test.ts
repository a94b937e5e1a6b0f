/**
 * The feed simulator's command line as a user runs it: a bad flag gets one
 * line naming it and exit 2; a port it cannot have gets one line and exit 3;
 * --duration is in seconds, as the engine's; --help prints usage.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../scripts/feed-sim.js', import.meta.url));
const feedSim = (args: string[]) => spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8', timeout: 30_000 });

function expectOneLine(stderr: string, ...parts: string[]): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).to.have.length(1);
  for (const p of parts) expect(lines[0]).to.include(p);
}

describe('feed-sim command line', function () {
  this.timeout(60_000);

  const bad: Array<[string[], string]> = [
    [['--duration', '0'], '--duration'],
    [['--heartbeat', '0'], '--heartbeat'],
    [['--ping', 'soon'], '--ping'],
    [['--port', '70000'], '--port'],
    [['--faults', 'melt@1s'], '--faults'],
  ];
  for (const [args, flag] of bad) {
    it(`exits 2 naming ${flag} for ${args.join(' ')}`, () => {
      const r = feedSim(['--venue', 'binance', '--port', '0', ...args]);
      expect(r.status, r.stderr).to.equal(2);
      expectOneLine(r.stderr, flag);
    });
  }

  it('exits 3 with one line naming --port when the port is in use', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as AddressInfo).port;
    try {
      const r = feedSim(['--venue', 'binance', '--port', String(port)]);
      expect(r.status, r.stderr).to.equal(3);
      expectOneLine(r.stderr, `--port ${port}`, 'in use');
    } finally {
      holder.close();
    }
  });

  for (const flag of ['--help', '-h']) {
    it(`${flag} prints usage with every flag and exits 0`, () => {
      const r = feedSim([flag]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^usage: /);
      for (const f of ['--venue', '--duration', '--heartbeat', '--faults']) expect(r.stdout).to.include(f);
    });
  }

  it('--duration 1 runs for a second, not a millisecond', async () => {
    const started = Date.now();
    const child = spawn(process.execPath, [entry, '--venue', 'binance', '--port', '0', '--duration', '1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).to.equal(0);
    expect(out).to.include('"event":"closed"');
    // A lower bound only: a slow machine makes the run longer, never shorter.
    expect(Date.now() - started).to.be.at.least(1000);
  });
});
