/**
 * --metrics-port on the whole engine, as a user runs it: Prometheus can
 * scrape it while orders flow, and what it reads agrees with itself and with
 * the run's summary; a port that is taken stops the run with one error line
 * naming the option (exit 1, no stack trace); a bad port exits 2.
 */
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { scratchStateArgs } from './fixtures/scratch-state.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const launcher = `${root}taskset.sh`;
interface Line { msg: string; level?: number; [k: string]: unknown }

function listening(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

/** A port free now: the kernel's pick for port 0, released again. */
async function freePort(): Promise<number> {
  const s = await listening(0);
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Runs the launcher; `onLine` sees each JSON stdout line as it comes. */
function run(args: string[], onLine: (l: Line) => void = () => undefined): Promise<{ code: number | null; lines: Line[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(launcher, [...args, ...scratchStateArgs()], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: Line[] = [];
    let partial = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      const parts = (partial + d).split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) {
        if (!p.startsWith('{')) continue;
        const l = JSON.parse(p) as Line;
        lines.push(l);
        onLine(l);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, lines, stderr }));
  });
}

/** The unlabelled samples of a scrape, by name. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of text.split('\n')) {
    const m = /^([a-z0-9_]+) (\S+)$/.exec(l);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

describe('Prometheus metrics (--metrics-port)', function () {
  this.timeout(60_000);

  it('serves consistent counters while orders flow, and the run exits 0', async () => {
    const port = await freePort();
    const scrapes: Array<Promise<{ status: number; body: string }>> = [];
    const { code, lines, stderr } = await run(['--duration', '2', '--metrics-port', String(port), '--metrics', 'json', '--rate', '50000'], (l) => {
      // After the first metrics line orders have been flowing for a second; the run has one more.
      if (l.msg === 'metrics' && scrapes.length === 0) {
        scrapes.push(fetch(`http://127.0.0.1:${port}/metrics`).then(async (r) => ({ status: r.status, body: await r.text() })));
        scrapes.push(fetch(`http://127.0.0.1:${port}/nothing`).then(async (r) => ({ status: r.status, body: await r.text() })));
      }
    });
    expect(code, stderr).to.equal(0);
    expect(lines.find((l) => l.msg === 'Prometheus metrics')?.url).to.equal(`http://127.0.0.1:${port}/metrics`);
    expect(scrapes, 'scraped during the run').to.have.length(2);
    const [metrics, other] = await Promise.all(scrapes);
    expect(other.status).to.equal(404);
    expect(metrics.status).to.equal(200);
    const s = samples(metrics.body);
    const generated = s.get('bot4_orders_generated_total')!;
    const decided = s.get('bot4_orders_decided_total')!;
    expect(generated, 'generated').to.be.greaterThan(0);
    expect(decided, 'decided').to.be.greaterThan(0);
    expect(decided, 'decided <= generated').to.be.at.most(generated);
    expect(s.get('bot4_orders_accepted_total'), 'accepted <= decided').to.be.at.most(decided);
    expect(s.get('bot4_decision_latency_seconds_count'), 'latency count').to.be.within(1, decided);
    expect(metrics.body).to.match(/^bot4_trading_mode\{mode="ACTIVE"\} 1$/m);
    const summary = lines.find((l) => l.msg === 'summary') as Line & { generated: number; lost: number };
    expect(summary.generated, 'the summary counts on from the scrape').to.be.at.least(generated);
    expect(summary.lost).to.equal(0);
  });

  it('stops the run with one error line naming --metrics-port when the port is taken', async () => {
    const taken = await listening(0);
    const port = (taken.address() as { port: number }).port;
    try {
      const { code, lines, stderr } = await run(['--duration', '30', '--metrics-port', String(port), '--metrics', 'json', '--rate', '20000']);
      // Exit 3: asked for and not served is a failed start (README's exit codes).
      expect(code, stderr).to.equal(3);
      // Whether the bind fails before or after the threads are warm, the one line names the port.
      expect(stderr).to.match(new RegExp(`bot4: the engine (stopped|could not start): --metrics-port ${port}`));
      const errors = lines.filter((l) => l.level === 50 && String(l.msg).startsWith('--metrics-port'));
      expect(errors.map((l) => l.msg)).to.deep.equal([`--metrics-port ${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`]);
      const summary = lines.find((l) => l.msg === 'summary') as Line & { elapsedS: number; fatal: string; lost: number };
      expect(summary.fatal).to.equal(errors[0].msg);
      expect(summary.elapsedS, 'stopped at start, not at --duration').to.be.below(30);
      expect(summary.lost).to.equal(0);
      expect(stderr).to.not.match(/^\s+at /m);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  it('exits 2 with one line naming --metrics-port for a port outside 1..65535', () => {
    const r = spawnSync(launcher, ['--metrics-port', '65536'], { cwd: root, encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal("bot4: invalid --metrics-port '65536': accepts a TCP port from 1 to 65535\n");
    expect(r.stdout).to.equal('');
  });
});
