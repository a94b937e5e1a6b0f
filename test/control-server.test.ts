/**
 * The operator's HTTP endpoint over real shared risk state (no threads):
 * each command's answer and log line, the kill switch's release refused over
 * the daily loss limit, and the request checks: 401 without the token, 400
 * for an unknown command or a bad body, 413 for a big body, 127.0.0.1 only.
 * The same commands through the engine's threads: test/e2e/control.test.ts.
 */
import { expect } from 'chai';
import { request } from 'node:http';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { readLimitsConfig } from '../core/config/limits-config.js';
import { createPositionBoard, PositionBoardWriter } from '../core/risk/position-board.js';
import { BreakerWatcher } from '../core/breaker/breaker-watcher.js';
import { riskLine } from '../engine/agents/risk-metrics.js';
import { KillSwitchControl } from '../engine/kill-switch.js';
import { ControlCommands } from '../engine/control/control-commands.js';
import { terminalLine } from '../engine/control/control-plane.js';
import { ControlServer, MAX_BODY_BYTES } from '../engine/control/control-server.js';
import { PositionsView } from '../engine/control/positions.js';
import { LimitsLoader } from '../engine/limits-loader.js';
import { createRiskState, type RiskState } from '../engine/risk-state.js';
import { FakeClock } from './fixtures/fake-clock.js';

const TOKEN = 's3cret';
interface Answer { status: number; body: Record<string, unknown> }

function call(port: number, method: string, path: string, opts: { body?: string; token?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('control endpoint', () => {
  let risk: RiskState;
  let server: ControlServer;
  let port: number;
  let logs: Array<{ level: number; msg: string }>;
  let limitsPath: string;
  let commands: ControlCommands;

  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot4-control-'));
    limitsPath = join(dir, 'limits.json');
    writeFileSync(limitsPath, readFileSync(new URL('../../config/limits.engine.json', import.meta.url)));
    const initial = readLimitsConfig(limitsPath);
    const symbols = ['BTC/USDT', 'ETH/USDT'];
    risk = createRiskState(initial.config, symbols, new FakeClock());
    logs = [];
    const log = pino({ level: 'info' }, { write: (s: string) => void logs.push(JSON.parse(s) as { level: number; msg: string }) });
    const board = createPositionBoard(2);
    // BTC: long 0.5 from 60000, now 60100 (unrealized +50), realized -10, one open order.
    new PositionBoardWriter(board).write(0, Float64Array.of(0, 0.5, 60000, -10, 60100, 1, 3000));
    const watcher = new BreakerWatcher(risk.registry);
    commands = new ControlCommands({ risk, killSwitch: new KillSwitchControl(risk, log), riskLine: () => riskLine(risk, watcher), limits: new LimitsLoader(limitsPath, initial, risk, log), positions: new PositionsView(board, symbols), haltSeenNs: () => [0], log });
    server = new ControlServer(commands, TOKEN);
    port = await server.listen(0);
  });
  afterEach(() => server.close());

  it('binds 127.0.0.1 only', () => {
    expect(server.address().address).to.equal('127.0.0.1');
  });

  it('401 without the token or with a wrong one; nothing changes', async () => {
    expect((await call(port, 'POST', '/halt')).status).to.equal(401);
    const wrong = await call(port, 'POST', '/halt', { token: 'nope' });
    expect(wrong.status).to.equal(401);
    expect(wrong.body.error).to.match(/token/);
    expect(risk.registry.trading.configured()).to.equal(0);
  });

  it('400 with a one-line JSON error for an unknown command, a wrong method or a bad body', async () => {
    for (const [method, path, body] of [['POST', '/explode', ''], ['GET', '/halt', ''], ['POST', '/halt', '{"mode":1}'], ['POST', '/halt', 'not json']]) {
      const a = await call(port, method, path, { token: TOKEN, body });
      expect(a.status, `${method} ${path} ${body}`).to.equal(400);
      expect(a.body.error).to.be.a('string').and.not.match(/\n/);
    }
    expect(risk.registry.trading.configured()).to.equal(0);
  });

  it('413 for a body over the limit', async () => {
    const a = await call(port, 'POST', '/halt', { token: TOKEN, body: JSON.stringify({ note: 'x'.repeat(MAX_BODY_BYTES) }) });
    expect(a.status).to.equal(413);
    expect(risk.registry.trading.configured()).to.equal(0);
  });

  it('halt, reduce, resume set the configured mode, each logged at info with the change', async () => {
    for (const [path, mode] of [['/halt', 'HALTED'], ['/reduce', 'REDUCING'], ['/resume', 'ACTIVE']] as const) {
      const a = await call(port, 'POST', path, { token: TOKEN, body: '{"note":"drill"}' });
      expect(a).to.deep.include({ status: 200 });
      expect(a.body).to.include({ configured: mode, trading: mode, changed: true });
      expect(logs.at(-1)).to.include({ level: 30 });
      expect(logs.at(-1)?.msg).to.match(new RegExp(`-> ${mode}`));
    }
  });

  it('kill, then release; release refused while the day\'s loss is over the limit', async () => {
    expect((await call(port, 'POST', '/kill', { token: TOKEN })).body).to.include({ ok: true, changed: true, killed: true, killReason: 'operator' });
    expect((await call(port, 'GET', '/status', { token: TOKEN })).body).to.include({ trading: 'HALTED', killReason: 'operator' });
    expect((await call(port, 'POST', '/kill/release', { token: TOKEN })).body).to.include({ ok: true, changed: true, killed: false });
    expect((await call(port, 'GET', '/status', { token: TOKEN })).body).to.include({ trading: 'ACTIVE' });
    // A loss past the limit trips the switch (daily-loss-limit); the operator cannot release it.
    risk.exposure.recordRealizedPnl(-2 * readLimitsConfig(limitsPath).config.account.dailyLossLimit);
    const refused = await call(port, 'POST', '/kill/release', { token: TOKEN });
    expect(refused.status).to.equal(409);
    expect(refused.body).to.include({ ok: false, killed: true, killReason: 'daily-loss-limit' });
    expect(refused.body.error).to.match(/daily loss limit/);
    expect(risk.registry.trading.killReason()).to.not.equal(0);
    expect(logs.at(-1)?.msg).to.match(/refused/);
  });

  it('positions: each row with its unrealized PnL at the mid; status carries the totals', async () => {
    const p = await call(port, 'GET', '/positions', { token: TOKEN });
    expect(p.body.symbols).to.deep.equal([{ symbol: 'BTC/USDT', position: 0.5, avgPrice: 60000, realizedPnl: -10, unrealizedPnl: 50, refMid: 60100, openOrders: 1, openNotional: 3000 }]);
    const s = await call(port, 'GET', '/status', { token: TOKEN });
    expect(s.body.positions).to.deep.equal({ symbols: 1, realizedPnl: -10, unrealizedPnl: 50, grossNotional: 30050, openOrders: 1, openNotional: 3000 });
  });

  it('reload: what changed, or why it was refused', async () => {
    const config = JSON.parse(readFileSync(limitsPath, 'utf8')) as { account: { grossExposureLimit: number } };
    config.account.grossExposureLimit += 1;
    writeFileSync(limitsPath, JSON.stringify(config));
    const a = await call(port, 'POST', '/reload', { token: TOKEN });
    expect(a.body.outcome).to.equal('applied');
    expect(a.body.changes).to.be.an('array').with.length(1);
    writeFileSync(limitsPath, '{');
    const b = await call(port, 'POST', '/reload', { token: TOKEN });
    expect(b.status).to.equal(409);
    expect(b.body).to.include({ outcome: 'refused' });
    expect(b.body.reason).to.match(/invalid JSON/);
  });

  it('the terminal takes the same command words, one per line', () => {
    expect(JSON.parse(terminalLine(commands, 'halt'))).to.include({ configured: 'HALTED' });
    expect(JSON.parse(terminalLine(commands, ' resume '))).to.include({ configured: 'ACTIVE' });
    expect(JSON.parse(terminalLine(commands, 'explode')).error).to.match(/unknown command/);
  });
});
