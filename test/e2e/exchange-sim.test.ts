/**
 * The exchange simulator as a user runs it, over real sockets: the command
 * line (bad flags exit 2 naming the flag, `listening on` when ready), an
 * existing Binance client library (@binance/connector, pointed at the
 * simulator's URL and nothing else changed) placing, listing, querying and
 * cancelling orders over REST and the WebSocket API, and an Ed25519 session
 * that sees the library's orders on its user data stream.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { wsSignaturePayload } from '../../sim/exchange/signature.js';

// The library is CommonJS without types: loaded through require, used as it documents itself.
const { Spot, WebsocketAPI } = createRequire(import.meta.url)('@binance/connector') as { Spot: any; WebsocketAPI: any };
const entry = fileURLToPath(new URL('../../scripts/exchange-sim.js', import.meta.url));
const quiet = { debug() {}, info() {}, warn() {}, error() {}, log() {} };

const HMAC = { apiKey: 'e2eHmacKey0000000000000000000001', secretKey: 'e2eSecret-not-a-real-one-0123456789' };
const ed = generateKeyPairSync('ed25519');
const ED = { apiKey: 'e2eEdKey00000000000000000000001', publicKey: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(), account: HMAC.apiKey };

function startSim(args: string[]): Promise<{ proc: ChildProcess; base: string; out: string[] }> {
  const proc = spawn(process.execPath, [entry, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'listening on' line: ${out.join('')}`)), 20_000);
    proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out.push(chunk);
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out.join(''));
      if (m) {
        clearTimeout(timer);
        resolve({ proc, base: m[1], out });
      }
    });
    proc.on('exit', (code) => reject(new Error(`exited ${code}: ${out.join('')}`)));
  });
}

/** A plain ws client: one request at a time, answers by id, events collected. */
async function wsClient(url: string) {
  const ws = new WebSocket(url);
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const waiting = new Map<string, (m: any) => void>();
  const events: any[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    if (m.event) events.push(m.event);
    else waiting.get(m.id)?.(m);
  });
  let n = 0;
  const call = (method: string, params?: Record<string, unknown>) =>
    new Promise<any>((resolve) => {
      const id = `c${++n}`;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { ws, call, events };
}

describe('exchange-sim over real sockets', function () {
  this.timeout(60_000);
  let sim: Awaited<ReturnType<typeof startSim>>;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xsim-'));
    const keys = join(dir, 'keys.json');
    writeFileSync(keys, JSON.stringify([HMAC, ED]));
    sim = await startSim(['--port', '0', '--keys', keys, '--symbols', 'BTCUSDT:60000,ETHUSDT:3000', '--seed', '3']);
  });

  after(() => {
    sim?.proc.kill('SIGTERM');
  });

  it('exits 2 with one line naming the flag for a bad option, and prints usage for --help', () => {
    for (const [args, flag] of [
      [['--orders-10s', 'many'], '--orders-10s'],
      [['--symbols', 'BTCUSDT'], '--symbols'],
      [['--volatility', '2'], '--volatility'],
      [['--keys', '/nonexistent/keys.json'], '--keys'],
      [['--profile', 'stormy'], '--profile'],
      [['--bogus', '1'], '--bogus'],
    ] as const) {
      const r = spawnSync(process.execPath, [entry, '--port', '0', ...args], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status, r.stderr).to.equal(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.include(flag);
    }
    const help = spawnSync(process.execPath, [entry, '--help'], { encoding: 'utf8', timeout: 20_000 });
    expect(help.status).to.equal(0);
    expect(help.stdout).to.include('--orders-10s');
  });

  it('runs a network profile and takes an outage typed on stdin: open connections dropped, new ones refused', async () => {
    const net = await startSim(['--port', '0', '--profile', 'good', '--seed', '5']);
    try {
      const wsUrl = `${net.base.replace('http', 'ws')}/ws-api/v3`;
      const c = await wsClient(wsUrl);
      expect((await c.call('time')).status).to.equal(200);
      const closed = new Promise((r) => c.ws.once('close', r));
      net.proc.stdin!.write('outage 3000\n');
      await closed;
      const refused = new WebSocket(wsUrl);
      await new Promise((resolve) => refused.once('error', resolve));
    } finally {
      net.proc.kill('SIGTERM');
    }
  });

  it('trades through @binance/connector over REST: place, list, query, cancel, with the venue headers', async () => {
    const client = new Spot(HMAC.apiKey, HMAC.secretKey, { baseURL: sim.base, logger: quiet });
    const info = await client.exchangeInfo({ symbol: 'BTCUSDT' });
    expect(info.data.symbols[0].filters.map((f: any) => f.filterType)).to.deep.equal(['PRICE_FILTER', 'LOT_SIZE', 'NOTIONAL']);
    const book = (await client.depth('BTCUSDT', { limit: 5 })).data;
    const bid = Number(book.bids[0][0]);
    const placed = await client.newOrder('BTCUSDT', 'BUY', 'LIMIT', { price: (bid - 100).toFixed(2), quantity: '0.01', timeInForce: 'GTC', newClientOrderId: 'lib-1' });
    expect(placed.data).to.include({ clientOrderId: 'lib-1', status: 'NEW' });
    expect(placed.headers['x-mbx-order-count-10s']).to.equal('1');
    expect(Number(placed.headers['x-mbx-used-weight-1m'])).to.be.greaterThan(0);
    const open = await client.openOrders({ symbol: 'BTCUSDT' });
    expect(open.data.map((o: any) => o.clientOrderId)).to.deep.equal(['lib-1']);
    const got = await client.getOrder('BTCUSDT', { origClientOrderId: 'lib-1' });
    expect(got.data.orderId).to.equal(placed.data.orderId);
    const cancelled = await client.cancelOrder('BTCUSDT', { orderId: placed.data.orderId });
    expect(cancelled.data).to.include({ status: 'CANCELED', origClientOrderId: 'lib-1' });
    expect((await client.openOrders({ symbol: 'BTCUSDT' })).data).to.deep.equal([]);
    const market = await client.newOrder('BTCUSDT', 'SELL', 'MARKET', { quantity: '0.002' });
    expect(market.data.status).to.equal('FILLED');
    const err = await client.cancelOrder('BTCUSDT', { orderId: 999_999 }).catch((e: any) => e);
    expect(err.response.status).to.equal(400);
    expect(err.response.data).to.deep.equal({ code: -2011, msg: 'Unknown order sent.' });
    const account = await client.account();
    expect(account.data.balances.map((b: any) => b.asset)).to.include.members(['BTC', 'USDT', 'ETH']);
  });

  it('trades through @binance/connector over the WebSocket API and streams the executions to an Ed25519 session', async () => {
    const wsUrl = `${sim.base.replace('http', 'ws')}/ws-api/v3`;
    const watcher = await wsClient(wsUrl);
    const logon: Record<string, unknown> = { apiKey: ED.apiKey, timestamp: Date.now() };
    logon.signature = sign(null, Buffer.from(wsSignaturePayload(logon)), ed.privateKey).toString('base64');
    expect((await watcher.call('session.logon', logon)).status).to.equal(200);
    expect((await watcher.call('userDataStream.subscribe')).result).to.deep.equal({ subscriptionId: 0 });

    const answers: any[] = [];
    const lib = await new Promise<any>((resolve, reject) => {
      const c = new WebsocketAPI(HMAC.apiKey, HMAC.secretKey, {
        wsURL: wsUrl,
        logger: quiet,
        callbacks: { open: () => resolve(c), message: (text: string) => answers.push(JSON.parse(text)), error: reject },
      });
    });
    const answer = async (id: string) => {
      for (let i = 0; i < 200 && !answers.some((a) => a.id === id); i++) await new Promise((r) => setTimeout(r, 10));
      return answers.find((a) => a.id === id);
    };
    lib.newOrder('ETHUSDT', 'BUY', 'LIMIT', { id: 'p1', price: '2900', quantity: '0.5', timeInForce: 'GTC', newClientOrderId: 'ws-lib-1' });
    const placed = await answer('p1');
    expect(placed.status, JSON.stringify(placed)).to.equal(200);
    expect(placed.rateLimits).to.be.an('array').with.length(3);
    lib.openOrders('ETHUSDT', { id: 'o1' });
    expect((await answer('o1')).result.map((o: any) => o.clientOrderId)).to.deep.equal(['ws-lib-1']);
    lib.cancelOrder('ETHUSDT', { id: 'x1', origClientOrderId: 'ws-lib-1' });
    expect((await answer('x1')).result.status).to.equal('CANCELED');
    lib.disconnect();

    for (let i = 0; i < 200 && watcher.events.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(watcher.events.filter((e) => e.c === 'ws-lib-1' || e.C === 'ws-lib-1').map((e) => e.x)).to.deep.equal(['NEW', 'CANCELED']);
    watcher.ws.close();
  });
});
