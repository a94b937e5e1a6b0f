/**
 * The engine with --source-mode replay, as a user runs it (./taskset.sh):
 * two sources replay their prepared events to one worker, past their first
 * lap, and every order is decided exactly once, none lost or decided twice;
 * the generator's duplicate-client-id orders are still rejected as such
 * (their originals live when they arrive) while no other order's id collides.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scratchStateArgs } from './fixtures/scratch-state.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Summary {
  msg: string;
  generated: number;
  decided: number;
  lost: number;
  duplicates: number;
  rejected: Record<string, number>;
  sources: Array<{ generated: number; decided: number }>;
}

/** Stops the run (SIGINT: a graceful stop with its summary) once its metrics lines count `orders`: progress, not time, ends it. */
function runUntil(args: string[], orders: number): Promise<{ status: number | null; stderr: string; lines: Array<{ msg: string }> }> {
  return new Promise((resolve) => {
    const child = spawn(`${root}taskset.sh`, args, { cwd: root });
    const lines: Array<{ msg: string }> = [];
    let out = '';
    let err = '';
    let seen = 0;
    child.stdout.on('data', (d: Buffer) => {
      const parts = (out + d.toString()).split('\n');
      out = parts.pop() ?? '';
      for (const text of parts) {
        if (!text.startsWith('{')) continue;
        const line = JSON.parse(text) as { msg: string; ordersPerS?: number; elapsedS?: number };
        lines.push(line);
        if (line.msg === 'metrics') seen += line.ordersPerS ?? 0; // one line a second: orders/s is that second's count
        if (seen >= orders && !child.killed) child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const cap = setTimeout(() => child.kill('SIGINT'), 40_000);
    child.on('close', (status) => {
      clearTimeout(cap);
      resolve({ status, stderr: err, lines });
    });
  });
}

describe('launcher with --source-mode replay', function () {
  this.timeout(60_000);

  it('two replaying sources, one worker, at 200 k/s until both are past their first lap: every order decided exactly once, DUPLICATE_CLIENT_ID among the rejects', async () => {
    const args = ['--source-mode', 'replay', '--duration', '0', '--metrics', 'json', '--rate', '200000', '--bad-fraction', '0.05', '--workers', '1', '--sources', '2', ...scratchStateArgs()];
    // A lap is REPLAY_EVENTS events, about 52 k orders at this mix; the two sources split the rate.
    const r = await runUntil(args, 160_000);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.lines;
    const summary = lines.find((l) => l.msg === 'summary') as Summary | undefined;
    expect(summary, 'summary line').to.exist;
    const s = summary!;
    expect(s.decided).to.equal(s.generated);
    expect(s.lost).to.equal(0);
    expect(s.duplicates).to.equal(0);
    expect(s.sources).to.have.length(2);
    for (const src of s.sources) expect(src.decided).to.equal(src.generated);
    // Past a lap: ids and sides of a second lap went through.
    expect(Math.min(...s.sources.map((src) => src.generated))).to.be.greaterThan(60_000);
    expect(s.rejected.DUPLICATE_CLIENT_ID ?? 0).to.be.greaterThan(0);
    // About 1 in 12 bad orders is a duplicate: more would mean replayed ids collide.
    const bad = Object.values(s.rejected).reduce((a, b) => a + b, 0);
    expect(s.rejected.DUPLICATE_CLIENT_ID).to.be.lessThan(bad / 6);
    expect(lines.find((l) => l.msg === 'starting engine')).to.include({ sourceMode: 'replay' });
  });
});
