import { expect } from 'chai';
import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { join } from 'node:path';
import { OrderType, Side } from '../ipc/frame-layout.js';
import { fullJitterDelay } from '../core/feed/backoff.js';
import { KeyConfigError, loadApiKeys } from '../core/gateway/api-keys.js';
import { ExecType, LimitType, MessageDecoder, MsgKind, VenueStatus } from '../core/gateway/message-decoder.js';
import { onGrid, stepDecimals } from '../core/gateway/order-format.js';
import { RequestEncoder } from '../core/gateway/request-encoder.js';
import { Ed25519Signer, HmacSigner, signaturePayload } from '../core/gateway/request-signer.js';
import { GcMeter } from '../core/metrics/gc-meter.js';
import { DOC_API_KEY, DOC_SECRET } from './fixtures/gateway-harness.js';

const RL =
  '"rateLimits":[{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":50,"count":12},{"rateLimitType":"ORDERS","interval":"DAY","intervalNum":1,"limit":160000,"count":4043},{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000,"count":321}]';
// Shapes from web-socket-api.md and user-data-stream.md (client order ids made ours: prefix "bot4-").
const PLACE_ACK = `{"id":7,"status":200,"result":{"symbol":"BTCUSDT","orderId":12569099453,"orderListId":-1,"clientOrderId":"bot4-42","transactTime":1660801715639},${RL}}`;
const PLACE_RESULT = `{"id":8,"status":200,"result":{"symbol":"BTCUSDT","orderId":12569099453,"orderListId":-1,"clientOrderId":"bot4-42","transactTime":1660801715639,"price":"23416.10000000","origQty":"0.00847000","executedQty":"0.00000000","origQuoteOrderQty":"0.000000","cummulativeQuoteQty":"0.00000000","status":"NEW","timeInForce":"GTC","type":"LIMIT","side":"SELL","workingTime":1660801715639,"selfTradePreventionMode":"NONE"},${RL}}`;
const PLACE_FULL = `{"id":9,"status":200,"result":{"symbol":"BTCUSDT","orderId":12569099453,"orderListId":-1,"clientOrderId":"bot4-42","transactTime":1660801715793,"price":"23416.10000000","origQty":"0.00847000","executedQty":"0.00847000","origQuoteOrderQty":"0.000000","cummulativeQuoteQty":"198.33521500","status":"FILLED","timeInForce":"GTC","type":"LIMIT","side":"SELL","workingTime":1660801715793,"fills":[{"price":"23416.10000000","qty":"0.00635000","commission":"0.000000","commissionAsset":"BNB","tradeId":1650422481},{"price":"23416.50000000","qty":"0.00212000","commission":"0.000000","commissionAsset":"BNB","tradeId":1650422482}]},${RL}}`;
const CANCEL = `{"id":10,"status":200,"result":{"symbol":"BTCUSDT","origClientOrderId":"bot4-42","orderId":12569099453,"orderListId":-1,"clientOrderId":"91fe37ce9e69c90d6358c0","transactTime":1684804350068,"price":"23416.10000000","origQty":"0.00847000","executedQty":"0.00001000","origQuoteOrderQty":"0.000000","cummulativeQuoteQty":"0.23416100","status":"CANCELED","timeInForce":"GTC","type":"LIMIT","side":"SELL","stopPrice":"0.00000000","trailingDelta":0,"icebergQty":"0.00000000","strategyId":37463720,"strategyType":1000000,"selfTradePreventionMode":"NONE"},"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000,"count":1}]}`;
const STATUS = `{"id":11,"status":200,"result":{"symbol":"BTCUSDT","orderId":12569099453,"orderListId":-1,"clientOrderId":"bot4-42","price":"23416.10000000","origQty":"0.00847000","executedQty":"0.00847000","cummulativeQuoteQty":"198.33521500","status":"FILLED","timeInForce":"GTC","type":"LIMIT","side":"SELL","stopPrice":"0.00000000","trailingDelta":10,"trailingTime":-1,"icebergQty":"0.00000000","time":1660801715639,"updateTime":1660801717945,"isWorking":true,"workingTime":1660801715639,"origQuoteOrderQty":"0.00000000","strategyId":37463720,"strategyType":1000000,"selfTradePreventionMode":"NONE","preventedMatchId":0,"preventedQuantity":"1.200000"},"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000,"count":4}]}`;
const OPEN_ORDERS = `{"id":12,"status":200,"result":[{"symbol":"BTCUSDT","orderId":12569099453,"orderListId":-1,"clientOrderId":"bot4-42","price":"23416.10000000","origQty":"0.00847000","executedQty":"0.00720000","origQuoteOrderQty":"0.000000","cummulativeQuoteQty":"172.43931000","status":"PARTIALLY_FILLED","timeInForce":"GTC","type":"LIMIT","side":"SELL","stopPrice":"0.00000000","icebergQty":"0.00000000","time":1660801715639,"updateTime":1660801717945,"isWorking":true,"workingTime":1660801715639,"origQuoteOrderQty":"0.00000000","selfTradePreventionMode":"NONE"},{"symbol":"ETHUSDT","orderId":5,"clientOrderId":"someone-else","executedQty":"0","cummulativeQuoteQty":"0","status":"NEW"}],"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000,"count":6}]}`;
const BANNED = `{"id":"fc93a61a-a192-4cf4-bb2a-a8f0f0c51e06","status":418,"error":{"code":-1003,"msg":"Way too much request weight used; IP banned until 1659146400000. Please use WebSocket Streams for live updates to avoid bans.","data":{"serverTime":1659142907531,"retryAfter":1659146400000}},"rateLimits":[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":6000,"count":2411}]}`;
const REJECTED = `{"id":13,"status":400,"error":{"code":-2010,"msg":"Account has insufficient balance for requested action."},${RL}}`;
const REVOKED = `{"id":null,"status":401,"error":{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}}`;
const EXEC_TRADE = `{"subscriptionId":0,"event":{"e":"executionReport","E":1499405658658,"s":"ETHBTC","c":"bot4-77","S":"BUY","o":"LIMIT","f":"GTC","q":"1.00000000","p":"0.10264410","P":"0.00000000","F":"0.00000000","g":-1,"C":"","x":"TRADE","X":"PARTIALLY_FILLED","r":"NONE","i":4293153,"l":"0.25000000","z":"0.75000000","L":"0.10264410","n":"0","N":null,"T":1499405658657,"t":901,"v":3,"I":8641984,"w":true,"m":false,"M":false,"O":1499405658657,"Z":"0.07698307","Y":"0.02566102","Q":"0.00000000","W":1499405658657,"V":"NONE"}}`;
const EXEC_CANCELED = `{"subscriptionId":0,"event":{"e":"executionReport","E":1,"s":"ETHBTC","c":"web_xyz","S":"BUY","o":"LIMIT","f":"GTC","q":"1.00000000","p":"0.1","P":"0","F":"0","g":-1,"C":"bot4-77","x":"CANCELED","X":"CANCELED","r":"NONE","i":4293153,"l":"0","z":"0.75000000","L":"0","n":"0","N":null,"T":1,"t":-1,"I":2,"w":false,"m":false,"M":false,"O":1,"Z":"0.07698307","Y":"0","Q":"0","W":1,"V":"NONE"}}`;
const ACCOUNT = `{"subscriptionId":0,"event":{"e":"outboundAccountPosition","E":1728972148778,"u":1728972148778,"B":[{"a":"BTC","f":"11818.00000000","l":"182.00000000"}]}}`;
const SHUTDOWN = `{"event":{"e":"serverShutdown","E":1770123456789}}`;

describe('gateway codec', () => {
  const d = new MessageDecoder('bot4-');

  it('reads order.place ACK, RESULT and FULL responses with their rate limits', () => {
    expect(d.decode(PLACE_ACK)).to.equal(MsgKind.RESPONSE);
    expect([d.id, d.status, d.rows, d.clientId[0], d.orderId[0], d.venueStatus[0]]).to.deep.equal([7, 200, 1, 42, 12569099453, VenueStatus.NONE]);
    expect(d.limitCount).to.equal(3);
    expect([d.limitType[0], d.limitIntervalMs[0], d.limitMax[0], d.limitUsed[0]]).to.deep.equal([LimitType.ORDERS, 10_000, 50, 12]);
    expect([d.limitType[1], d.limitIntervalMs[1], d.limitUsed[1]]).to.deep.equal([LimitType.ORDERS, 86_400_000, 4043]);
    expect([d.limitType[2], d.limitIntervalMs[2], d.limitMax[2]]).to.deep.equal([LimitType.REQUEST_WEIGHT, 60_000, 6000]);
    d.decode(PLACE_RESULT);
    expect([d.id, d.venueStatus[0], d.cumQty[0], d.origQty[0]]).to.deep.equal([8, VenueStatus.NEW, 0, 0.00847]);
    d.decode(PLACE_FULL);
    expect([d.id, d.venueStatus[0], d.cumQty[0], d.cumQuote[0], d.rows]).to.deep.equal([9, VenueStatus.FILLED, 0.00847, 198.335215, 1]);
  });

  it('reads order.cancel (origClientOrderId), order.status and openOrders.status', () => {
    d.decode(CANCEL);
    expect([d.origClientId[0], d.clientId[0], d.venueStatus[0], d.cumQty[0], d.cumQuote[0]]).to.deep.equal([42, -1, VenueStatus.CANCELED, 0.00001, 0.234161]);
    d.decode(STATUS);
    expect([d.id, d.clientId[0], d.venueStatus[0], d.cumQty[0]]).to.deep.equal([11, 42, VenueStatus.FILLED, 0.00847]);
    d.decode(OPEN_ORDERS);
    expect(d.resultIsArray).to.equal(true);
    expect(d.rows).to.equal(2);
    expect([d.clientId[0], d.venueStatus[0], d.cumQty[0], d.cumQuote[0]]).to.deep.equal([42, VenueStatus.PARTIALLY_FILLED, 0.0072, 172.43931]);
    expect([d.clientId[1], d.venueStatus[1]]).to.deep.equal([-1, VenueStatus.NEW]);
  });

  it('reads errors: code, message, retryAfter; a string or null id is not ours', () => {
    d.decode(BANNED);
    expect([d.kind, d.id, d.status, d.errorCode, d.retryAfter]).to.deep.equal([MsgKind.RESPONSE, -1, 418, -1003, 1659146400000]);
    expect(d.errorMessage()).to.match(/^Way too much request weight used; IP banned until 1659146400000/);
    d.decode(REJECTED);
    expect([d.id, d.status, d.errorCode, Number.isNaN(d.retryAfter)]).to.deep.equal([13, 400, -2010, true]);
    expect(d.errorMessage()).to.equal('Account has insufficient balance for requested action.');
    d.decode(REVOKED);
    expect([d.id, d.status, d.errorCode, d.limitCount]).to.deep.equal([-1, 401, -2015, 0]);
  });

  it('reads executionReport events (trade, cancel by C), and tells other events apart', () => {
    expect(d.decode(EXEC_TRADE)).to.equal(MsgKind.EXECUTION_REPORT);
    expect([d.clientId[0], d.origClientId[0], d.execType, d.venueStatus[0], d.tradeId, d.lastQty, d.lastPrice, d.cumQty[0], d.cumQuote[0], d.orderId[0]]).to.deep.equal([
      77,
      -1,
      ExecType.TRADE,
      VenueStatus.PARTIALLY_FILLED,
      901,
      0.25,
      0.1026441,
      0.75,
      0.07698307,
      4293153,
    ]);
    d.decode(EXEC_CANCELED);
    expect([d.clientId[0], d.origClientId[0], d.execType, d.venueStatus[0], d.tradeId]).to.deep.equal([-1, 77, ExecType.CANCELED, VenueStatus.CANCELED, -1]);
    expect(d.decode(ACCOUNT)).to.equal(MsgKind.OTHER_EVENT);
    expect(d.decode(SHUTDOWN)).to.equal(MsgKind.SERVER_SHUTDOWN);
  });

  it('refuses what is not a message, and ids that are not exactly ours', () => {
    for (const bad of ['', 'null', '[]', '{"id":1}', '{"id":1,"status":200', `${PLACE_RESULT} x`, '{"status":200,"result":[1]}']) expect(d.decode(bad), bad).to.equal(MsgKind.MALFORMED);
    for (const [coid, id] of [
      ['bot4-1', 1],
      ['bot4-', -1],
      ['bot4-12a', -1],
      ['bot5-12', -1],
      ['xbot4-12', -1],
      ['bot4-9007199254740991', 9007199254740991],
      ['bot4-9007199254740992', -1],
      ['bot4-12345678901234567', -1],
    ] as const) {
      d.decode(`{"id":1,"status":200,"result":{"clientOrderId":"${coid}","status":"NEW"}}`);
      expect(d.clientId[0], coid).to.equal(id);
    }
  });

  it('allocates nothing per message: no GC, no heap growth over 40 k responses and events after warm-up', () => {
    const step = () => {
      d.decode(EXEC_TRADE);
      d.decode(PLACE_RESULT);
    };
    for (let k = 0; k < 10_000; k++) step();
    (globalThis as { gc?: () => void }).gc?.(); // start from an empty young generation
    const meter = new GcMeter();
    const before = getHeapStatistics().used_heap_size;
    for (let k = 0; k < 20_000; k++) step();
    // Too little garbage might not fill the young generation: the heap's growth tells too.
    const grown = getHeapStatistics().used_heap_size - before;
    meter.stop();
    expect([d.id, d.venueStatus[0]]).to.deep.equal([8, VenueStatus.NEW]);
    expect(meter.count, `${meter.count} GCs`).to.equal(0);
    expect(grown, `heap grew ${grown} bytes`).to.be.below(256 * 1024);
  });

  it('matches JSON.parse on every field it reads, keys in any order', () => {
    const o = JSON.parse(STATUS);
    const shuffled = JSON.stringify({ rateLimits: o.rateLimits, result: Object.fromEntries(Object.entries(o.result).reverse()), status: o.status, id: o.id });
    d.decode(shuffled);
    expect([d.id, d.status, d.clientId[0], d.venueStatus[0], d.cumQty[0], d.cumQuote[0], d.limitUsed[0]]).to.deep.equal([11, 200, 42, VenueStatus.FILLED, Number(o.result.executedQty), Number(o.result.cummulativeQuoteQty), 4]);
  });
});

describe('gateway request signing and encoding', () => {
  const DOC_PARAMS = [
    ['symbol', 'BTCUSDT'],
    ['side', 'SELL'],
    ['type', 'LIMIT'],
    ['timeInForce', 'GTC'],
    ['quantity', '0.01000000'],
    ['price', '52000.00'],
    ['recvWindow', 100],
    ['timestamp', 1645423376532],
    ['apiKey', DOC_API_KEY],
  ] as const;

  it('signs the documentation HMAC example (test vector)', () => {
    const payload = signaturePayload(DOC_PARAMS);
    expect(payload).to.equal(
      `apiKey=${DOC_API_KEY}&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT`,
    );
    expect(new HmacSigner(DOC_API_KEY, DOC_SECRET).sign(payload)).to.equal('aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24');
    // The non-ASCII example: UTF-8 bytes are signed.
    const utf8 = `apiKey=${DOC_API_KEY}&price=0.10000000&quantity=1.00000000&recvWindow=5000&side=BUY&symbol=１２３４５６&timeInForce=GTC&timestamp=1645423376532&type=LIMIT`;
    expect(new HmacSigner(DOC_API_KEY, DOC_SECRET).sign(utf8)).to.equal('b33892ae8e687c939f4468c6268ddd4c40ac1af18ad19a064864c47bae0752cd');
  });

  it('signs with Ed25519 (base64, verifiable with the public key) and logs the session on', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const signer = new Ed25519Signer('edkey-123456', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const payload = signaturePayload(DOC_PARAMS);
    expect(verify(null, Buffer.from(payload), publicKey, Buffer.from(signer.sign(payload), 'base64'))).to.equal(true);
    const enc = new RequestEncoder(signer, 'bot4-', 5000);
    const logon = JSON.parse(enc.logon(1, 1_700_000_000_123.7));
    expect(logon.method).to.equal('session.logon');
    expect(logon.params.timestamp).to.equal(1_700_000_000_123);
    expect(verify(null, Buffer.from(`apiKey=edkey-123456&timestamp=1700000000123`), publicKey, Buffer.from(logon.params.signature, 'base64'))).to.equal(true);
    // After logon, orders go without apiKey and signature.
    const place = JSON.parse(enc.place(2, 1_700_000_000_200, 'BTCUSDT', Side.Buy, OrderType.Limit, '100.00', '0.5000', 9));
    expect(place.params.signature).to.equal(undefined);
    expect(place.params.apiKey).to.equal(undefined);
    expect(JSON.parse(enc.subscribe(3, 0))).to.deep.equal({ id: 3, method: 'userDataStream.subscribe' });
    expect(() => new Ed25519Signer('k', generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).to.throw(/not an Ed25519/);
  });

  it('encodes signed HMAC requests that the venue can check', () => {
    const signer = new HmacSigner(DOC_API_KEY, DOC_SECRET);
    const enc = new RequestEncoder(signer, 'bot4-', 5000);
    const check = (text: string) => {
      const r = JSON.parse(text);
      const { signature, ...rest } = r.params;
      expect(signer.sign(signaturePayload(Object.entries(rest) as [string, string | number][]))).to.equal(signature);
      return r;
    };
    const place = check(enc.place(5, 1_000.9, 'BTCUSDT', Side.Sell, OrderType.Limit, '52000.00', '0.01000', 123));
    expect(place).to.deep.include({ id: 5, method: 'order.place' });
    expect(place.params).to.deep.include({ symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'GTC', price: '52000.00', quantity: '0.01000', newClientOrderId: 'bot4-123', timestamp: 1000, recvWindow: 5000, newOrderRespType: 'RESULT' });
    const market = check(enc.place(6, 1, 'ETHUSDT', Side.Buy, OrderType.Market, '', '1.0000', 124));
    expect(market.params.price).to.equal(undefined);
    expect(market.params.timeInForce).to.equal(undefined);
    expect(market.params.type).to.equal('MARKET');
    expect(check(enc.cancel(7, 2, 'BTCUSDT', 123)).params).to.deep.include({ origClientOrderId: 'bot4-123', symbol: 'BTCUSDT' });
    expect(check(enc.status(8, 2, 'BTCUSDT', 123)).method).to.equal('order.status');
    expect(check(enc.openOrders(9, 2)).params.symbol).to.equal(undefined);
    expect(check(enc.subscribe(10, 2)).method).to.equal('userDataStream.subscribe.signature');
  });

  it('puts prices and quantities on the grid, never beyond what risk approved', () => {
    expect([stepDecimals(0.01), stepDecimals(1), stepDecimals(0.00001), stepDecimals(1e-8), stepDecimals(0.05), stepDecimals(2.5e-7)]).to.deep.equal([2, 0, 5, 8, 2, 8]);
    expect(onGrid(100.004, 0.01, false).toFixed(2)).to.equal('100.00');
    expect(onGrid(100.004, 0.01, true).toFixed(2)).to.equal('100.01');
    expect(onGrid(0.1 + 0.2, 0.1, false).toFixed(1)).to.equal('0.3'); // float noise is not a step
    expect(onGrid(0.000019, 0.00001, false).toFixed(5)).to.equal('0.00001');
  });
});

describe('gateway keys and backoff', () => {
  it('loads HMAC and Ed25519 keys; a bad or missing key is one line without the secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bot4-keys-'));
    const pem = join(dir, 'ed.pem');
    writeFileSync(pem, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(loadApiKeys({ BOT4_API_KEY: DOC_API_KEY, BOT4_API_SECRET: DOC_SECRET }).kind).to.equal('hmac');
    expect(loadApiKeys({ BOT4_API_KEY: DOC_API_KEY, BOT4_ED25519_KEY_FILE: pem }).kind).to.equal('ed25519');
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ apiKey: DOC_API_KEY, privateKeyFile: 'ed.pem' }));
    expect(loadApiKeys({ BOT4_API_KEYS_FILE: file }).kind).to.equal('ed25519');
    const secret = 'short s';
    writeFileSync(file, JSON.stringify({ apiKey: DOC_API_KEY, secretKey: secret }));
    const bad: Record<string, string>[] = [
      {},
      { BOT4_API_KEY: DOC_API_KEY },
      { BOT4_API_KEY: DOC_API_KEY, BOT4_API_SECRET: secret },
      { BOT4_API_KEY: DOC_API_KEY, BOT4_ED25519_KEY_FILE: file },
      { BOT4_API_KEY: DOC_API_KEY, BOT4_ED25519_KEY_FILE: join(dir, 'none.pem') },
      { BOT4_API_KEYS_FILE: file },
    ];
    for (const env of bad) {
      let err: unknown;
      try {
        loadApiKeys(env);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(Object.keys(env))).to.be.instanceOf(KeyConfigError);
      const msg = (err as Error).message;
      expect(msg).to.not.include('\n');
      expect(msg).to.not.include(secret);
    }
    expect(JSON.stringify(new HmacSigner(DOC_API_KEY, DOC_SECRET))).to.not.include(DOC_SECRET);
  });

  it('full-jitter delays stay in [0, min(cap, base * 2^attempt)) and use the whole range', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(5000, 100 * 2 ** attempt);
      expect(fullJitterDelay(attempt, 100, 5000, 0)).to.equal(0);
      expect(fullJitterDelay(attempt, 100, 5000, 0.5)).to.equal(ceiling / 2);
      expect(fullJitterDelay(attempt, 100, 5000, 0.999999)).to.be.below(ceiling).and.above(ceiling * 0.999);
    }
    expect(fullJitterDelay(1000, 100, 5000, 0.5)).to.equal(2500); // huge attempts stay capped, no Infinity
  });
});
