/**
 * The engine with --source-mode replay, as a user runs it (./taskset.sh):
 * two sources replay their prepared events to one worker, past their first
 * lap, and every order is decided exactly once, none lost or decided twice;
 * the generator's duplicate-client-id orders are still rejected as such
 * (their originals live when they arrive) while no other order's id collides.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
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

describe('launcher with --source-mode replay', function () {
  this.timeout(60_000);

  it('two replaying sources, one worker, 2 s at 200 k/s (laps turn): every order decided exactly once, DUPLICATE_CLIENT_ID among the rejects', () => {
    const args = ['--source-mode', 'replay', '--duration', '2', '--metrics', 'json', '--rate', '200000', '--bad-fraction', '0.05', '--workers', '1', '--sources', '2', ...scratchStateArgs()];
    const r = spawnSync(`${root}taskset.sh`, args, { cwd: root, encoding: 'utf8', timeout: 40_000 });
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string });
    const summary = lines.find((l) => l.msg === 'summary') as Summary | undefined;
    expect(summary, 'summary line').to.exist;
    const s = summary!;
    expect(s.generated).to.be.greaterThan(50_000);
    expect(s.decided).to.equal(s.generated);
    expect(s.lost).to.equal(0);
    expect(s.duplicates).to.equal(0);
    expect(s.sources).to.have.length(2);
    for (const src of s.sources) expect(src.decided).to.equal(src.generated);
    // Past a lap (REPLAY_EVENTS events, about 52 k orders at this mix): ids and sides of a second lap went through.
    expect(Math.min(...s.sources.map((src) => src.generated))).to.be.greaterThan(60_000);
    expect(s.rejected.DUPLICATE_CLIENT_ID ?? 0).to.be.greaterThan(0);
    // About 1 in 12 bad orders is a duplicate: more would mean replayed ids collide.
    const bad = Object.values(s.rejected).reduce((a, b) => a + b, 0);
    expect(s.rejected.DUPLICATE_CLIENT_ID).to.be.lessThan(bad / 6);
    expect(lines.find((l) => l.msg === 'starting engine')).to.include({ sourceMode: 'replay' });
  });
});
