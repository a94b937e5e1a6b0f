/**
 * The order path to the exchange in the whole engine, as a user runs it:
 * ./taskset.sh --exchange sim. Accepted orders leave the workers for the
 * gateway thread, go over the simulator's WebSocket API, and come back as
 * the venue's executions; every accepted order ends in exactly one final
 * state, the gateway's view reconciles with the venue's (none lost, none
 * twice), and positions come from the venue's fills. A network profile with
 * jitter and loss changes none of that. Under GTC, the orders resting at the
 * venue when the stop begins are cancelled. A venue URL without a key is
 * refused at start with one line (exit 2).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scratchStateArgs } from './fixtures/scratch-state.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Exchange {
  received: number;
  acked: number;
  filled: number;
  canceled: number;
  rejected: number;
  expired: number;
  executions: number;
  openAtEnd: number;
  reconcile: { ok: boolean; gatewayOrders: number; venueOrders: number; matched: number; twice: number; unknownToGateway: number };
}
interface Summary {
  msg: string;
  generated: number;
  decided: number;
  accepted: number;
  lost: number;
  exchange?: Exchange;
  sources: { finals: Record<string, number> }[];
  positions: { grossNotional: number; openOrders: number };
}

function run(extra: string[]): { status: number | null; stderr: string; summary?: Summary } {
  const args = ['--exchange', 'sim', '--duration', '3', '--rate', '500', '--workers', '1', '--metrics', 'json', ...scratchStateArgs(), ...extra];
  const r = spawnSync(`${root}taskset.sh`, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const summary = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Summary)
    .find((l) => l.msg === 'summary');
  return { status: r.status, stderr: r.stderr, summary };
}

function expectReconciled(s: Summary): Exchange {
  expect(s.lost).to.equal(0);
  const x = s.exchange!;
  expect(x, 'summary.exchange').to.exist;
  // Every accepted order went to the venue and ended in exactly one final state.
  expect(x.received).to.equal(s.accepted);
  expect(x.filled + x.canceled + x.rejected + x.expired).to.equal(x.received);
  expect(x.openAtEnd).to.equal(0);
  expect(x.reconcile.ok, JSON.stringify(x.reconcile).slice(0, 500)).to.equal(true);
  expect(x.reconcile.matched).to.equal(x.reconcile.venueOrders);
  return x;
}

describe('order path to the exchange (--exchange sim)', function () {
  this.timeout(120_000);

  it('every accepted order reaches the venue and ends once; the venue fills move the positions; gateway and venue agree', () => {
    const r = run([]);
    expect(r.status, r.stderr).to.equal(0);
    const x = expectReconciled(r.summary!);
    expect(x.received).to.be.greaterThan(500);
    expect(x.acked).to.equal(x.received);
    expect(x.filled).to.be.greaterThan(0);
    expect(x.executions).to.be.at.least(x.filled);
    // IOC: what did not cross at once expired, nothing rests.
    expect(x.expired).to.be.greaterThan(0);
    expect(r.summary!.positions.grossNotional).to.be.greaterThan(0);
    expect(r.summary!.positions.openOrders).to.equal(0);
    // The source heard each of its orders' final state, as the gateway counted them.
    const finals = r.summary!.sources[0].finals;
    expect(finals).to.deep.equal({ FILLED: x.filled, CANCELED: x.canceled, REJECTED: x.rejected, EXPIRED: x.expired });
  });

  it('GTC: what rests at the venue when the stop begins is cancelled, and the sources hear it; nothing is left open', () => {
    const r = run(['--exchange-tif', 'GTC']);
    expect(r.status, r.stderr).to.equal(0);
    const x = expectReconciled(r.summary!);
    // Passive limits rest under GTC: at the stop they are the cancelled ones (none expire).
    expect(x.canceled).to.be.greaterThan(0);
    expect(x.expired).to.equal(0);
    expect(r.summary!.positions.openOrders).to.equal(0);
    expect(r.summary!.sources[0].finals).to.deep.equal({ FILLED: x.filled, CANCELED: x.canceled, REJECTED: x.rejected, EXPIRED: x.expired });
  });

  it('replaying sources (--source-mode replay): the same order path, every accepted order at the venue once', () => {
    const r = run(['--source-mode', 'replay', '--rate', '2000']);
    expect(r.status, r.stderr).to.equal(0);
    const x = expectReconciled(r.summary!);
    expect(x.received).to.be.greaterThan(2000);
    expect(r.summary!.sources[0].finals).to.deep.equal({ FILLED: x.filled, CANCELED: x.canceled, REJECTED: x.rejected, EXPIRED: x.expired });
  });

  it('over the Poor network profile (jitter, loss, bursts): still none lost, none twice', () => {
    const r = run(['--exchange-profile', 'poor', '--rate', '100']);
    expect(r.status, r.stderr).to.equal(0);
    expectReconciled(r.summary!);
  });

  it('a venue URL without a key: one line naming what is missing, exit 2', () => {
    const env = { ...process.env };
    for (const k of ['BOT4_API_KEY', 'BOT4_API_SECRET', 'BOT4_ED25519_KEY_FILE', 'BOT4_API_KEYS_FILE']) delete env[k];
    const r = spawnSync(`${root}taskset.sh`, ['--exchange', 'ws://127.0.0.1:9/ws-api/v3', '--duration', '1', ...scratchStateArgs()], { cwd: root, encoding: 'utf8', env, timeout: 60_000 });
    expect(r.status).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/^bot4: no venue API key: set BOT4_API_KEY/);
  });
});
