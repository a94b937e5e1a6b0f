/**
 * Operator control of the whole engine, as a user runs it: with
 * --control-port and BOT4_CONTROL_TOKEN, `halt` makes the workers reject
 * every order TRADING_HALTED and `resume` has them accepted again; `kill` and
 * `release-kill` through HTTP and SIGUSR2; `positions` shows what the workers
 * published; a wrong token is a 401. Request checks in detail: test/control-server.test.ts.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { monotonicClock } from '../../core/clock/monotonic-clock.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const TOKEN = 'e2e-token';
interface Line { msg: string; accepted?: number; rejectedByReason?: Record<string, number>; [k: string]: unknown }

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function call(port: number, method: string, path: string, token = TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('operator control of a running engine', function () {
  this.timeout(60_000);

  it('halt -> TRADING_HALTED, resume -> accepted; kill and release over HTTP and SIGUSR2; positions; 401', async () => {
    const port = await freePort();
    const child = spawn(`${root}taskset.sh`, ['--control-port', String(port), '--workers', '1', '--rate', '20000', '--metrics', 'json', '--duration', '0'], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BOT4_CONTROL_TOKEN: TOKEN },
    });
    const lines: Line[] = [];
    let partial = '';
    child.stdout.on('data', (d) => {
      const parts = (partial + d).split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) if (p.startsWith('{')) lines.push(JSON.parse(p) as Line);
    });
    const exited = new Promise<number | null>((r) => child.on('close', r));
    const metrics = () => lines.filter((l) => l.msg === 'metrics');
    const until = async (what: string, ok: () => boolean): Promise<void> => {
      for (const end = Date.now() + 20_000; !ok(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    };
    /** The metrics line two seconds on: all of its second after the command took effect. */
    const secondAfter = async (): Promise<Line> => {
      const n = metrics().length + 2;
      await until('metrics', () => metrics().length >= n);
      return metrics()[n - 1];
    };
    try {
      await until('the control endpoint', () => lines.some((l) => l.msg === 'control endpoint'));
      await until('accepted orders', () => metrics().some((l) => (l.accepted ?? 0) > 0));
      expect((await call(port, 'POST', '/halt', 'wrong')).status).to.equal(401);

      const beforeHalt = monotonicClock().nowNs();
      expect((await call(port, 'POST', '/halt')).body).to.include({ configured: 'HALTED' });
      const halted = await secondAfter();
      // Where the halt reached the worker, on the clock every process of the machine shares.
      const seen = (await call(port, 'GET', '/status')).body.haltSeenNs as number[];
      expect(seen).to.have.length(1);
      expect(seen[0]).to.be.greaterThan(beforeHalt);
      expect(halted.accepted).to.equal(0);
      expect(halted.rejectedByReason?.TRADING_HALTED).to.be.greaterThan(0);
      expect((await call(port, 'POST', '/resume')).body).to.include({ configured: 'ACTIVE' });
      const resumed = await secondAfter();
      expect(resumed.accepted).to.be.greaterThan(0);
      expect(resumed.rejectedByReason?.TRADING_HALTED ?? 0).to.equal(0);
      expect((await call(port, 'GET', '/status')).body.haltSeenNs).to.deep.equal([0]);

      expect((await call(port, 'POST', '/kill')).body).to.include({ killed: true, killReason: 'operator' });
      expect((await secondAfter()).accepted).to.equal(0);
      expect((await call(port, 'POST', '/kill/release')).body).to.include({ ok: true, killed: false });
      child.kill('SIGUSR2');
      await until('SIGUSR2 kill', () => lines.some((l) => l.msg.startsWith('control toggle-kill (SIGUSR2): kill switch on')));
      expect((await call(port, 'GET', '/status')).body).to.include({ trading: 'HALTED', killReason: 'operator' });
      child.kill('SIGUSR2');
      await until('SIGUSR2 release', () => lines.some((l) => l.msg.startsWith('control toggle-kill (SIGUSR2): kill switch released')));
      expect((await call(port, 'GET', '/status')).body).to.include({ trading: 'ACTIVE' });

      const positions = (await call(port, 'GET', '/positions')).body as { symbols: Array<{ refMid: number | null }>; totals: { symbols: number } };
      expect(positions.totals.symbols).to.be.greaterThan(0);
      expect(positions.symbols.every((s) => typeof s.refMid === 'number')).to.equal(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
    const summary = lines.find((l) => l.msg === 'summary') as { positions?: { symbols: number } } | undefined;
    expect(summary?.positions?.symbols).to.be.greaterThan(0);
  });
});
