import { expect } from 'chai';
import { generateKeyPairSync, sign } from 'node:crypto';
import { hmacHex, KeyStore, restSignaturePayload, wsSignaturePayload } from '../sim/exchange/signature.js';
import { DOC_API_KEY, DOC_SECRET, ED_API_KEY, ED_PRIVATE, ED_PUBLIC_PEM, logonParams, makeVenue, wsSession } from './fixtures/exchange-venue.js';

describe('exchange-sim signatures', () => {
  it('matches the venue docs HMAC-SHA256 examples (REST and WebSocket API)', () => {
    // rest-api.md, "SIGNED Endpoint Examples for POST /api/v3/order", HMAC Keys, both payloads.
    const rest = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    expect(hmacHex(DOC_SECRET, rest)).to.equal('c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71');
    const restNonAscii =
      'symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    expect(hmacHex(DOC_SECRET, restNonAscii)).to.equal('e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3');
    // web-socket-api.md, "SIGNED request example (HMAC)": params sorted by name.
    const ws = {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '0.01000000',
      price: '52000.00',
      recvWindow: 100,
      timestamp: 1645423376532,
      apiKey: DOC_API_KEY,
      signature: 'ignored',
    };
    expect(hmacHex(DOC_SECRET, wsSignaturePayload(ws))).to.equal('aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24');
  });

  it('verifies HMAC signatures case-insensitively and refuses any other', () => {
    const keys = new KeyStore([{ apiKey: DOC_API_KEY, secretKey: DOC_SECRET }]);
    const key = keys.get(DOC_API_KEY)!;
    const payload = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    const sig = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';
    expect(key.verify(payload, sig)).to.equal(true);
    expect(key.verify(payload, sig.toUpperCase())).to.equal(true);
    expect(key.verify(payload + '1', sig)).to.equal(false);
    expect(key.verify(payload, sig.slice(0, -1) + '0')).to.equal(false);
    expect(key.verify(payload, 'zz')).to.equal(false);
  });

  it('verifies Ed25519 signatures (base64) over the payload and refuses a tampered one', () => {
    const keys = new KeyStore([{ apiKey: ED_API_KEY, publicKey: ED_PUBLIC_PEM }]);
    const key = keys.get(ED_API_KEY)!;
    expect(key.kind).to.equal('ED25519');
    const payload = 'symbol=BTCUSDT&side=SELL&type=LIMIT&timeInForce=GTC&quantity=1&price=0.2&timestamp=1668481559918&recvWindow=5000';
    const sig = sign(null, Buffer.from(payload), ED_PRIVATE).toString('base64');
    expect(key.verify(payload, sig)).to.equal(true);
    expect(key.verify(payload.replace('SELL', 'BUY'), sig)).to.equal(false);
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(key.verify(payload, sign(null, Buffer.from(payload), other).toString('base64'))).to.equal(false);
    expect(key.verify(payload, 'not base64 at all')).to.equal(false);
  });

  it('refuses a public key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => new KeyStore([{ apiKey: 'rsaKey0001', publicKey: rsa }])).to.throw(/not ed25519/);
  });

  it('takes the REST payload as query string then body, as sent, without the signature pair', () => {
    expect(restSignaturePayload('symbol=X&timestamp=1&signature=ab', 'quantity=1')).to.deep.equal({ payload: 'symbol=X&timestamp=1quantity=1', signature: 'ab' });
    expect(restSignaturePayload('a=1', 'signature=%2Bc%3D')).to.deep.equal({ payload: 'a=1', signature: '+c=' });
  });

  it('passes the docs example request through the venue: -1121 for its symbol, -1022 when one byte changes, -2015 for an unknown key', () => {
    // The docs' request at the docs' own time: the signature is right, so the venue gets as far as the symbol.
    const t = makeVenue({}, 1499827319559);
    const query = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    const req = (q: string, key = DOC_API_KEY) =>
      JSON.parse(t.venue.handleRest({ method: 'POST', path: '/api/v3/order', query: q, body: '', headers: { 'x-mbx-apikey': key }, ip: '1.1.1.1' }).body);
    expect(req(`${query}&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71`).code).to.equal(-1121);
    expect(req(`${query.replace('quantity=1', 'quantity=2')}&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71`)).to.deep.equal({
      code: -1022,
      msg: 'Signature for this request is not valid.',
    });
    expect(req(`${query}&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71`, 'unknownKey123').code).to.equal(-2015);
    // Split between query string and body: signed as concatenated.
    const q = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC';
    const body = 'quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    const res = t.venue.handleRest({ method: 'POST', path: '/api/v3/order', query: q, body: `${body}&signature=${hmacHex(DOC_SECRET, q + body)}`, headers: { 'X-MBX-APIKEY': DOC_API_KEY }, ip: '1.1.1.1' });
    expect(JSON.parse(res.body).code).to.equal(-1121);
  });

  it('checks timestamp against recvWindow (-1021) both ways', () => {
    const t = makeVenue({}, 1499827319559 + 5001);
    const query = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    const send = (venue: typeof t.venue) =>
      JSON.parse(
        venue.handleRest({
          method: 'POST',
          path: '/api/v3/order',
          query: `${query}&signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71`,
          body: '',
          headers: { 'x-mbx-apikey': DOC_API_KEY },
          ip: '1.1.1.1',
        }).body,
      );
    expect(send(t.venue)).to.deep.equal({ code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' });
    expect(send(makeVenue({}, 1499827319559 - 1000).venue)).to.deep.equal({ code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." });
  });

  it('logs a WebSocket session on with an Ed25519 key only', () => {
    const t = makeVenue();
    const ws = wsSession(t);
    const hmacLogon = { apiKey: DOC_API_KEY, timestamp: t.clock.nowMs() };
    const refused = ws.call('session.logon', { ...hmacLogon, signature: hmacHex(DOC_SECRET, wsSignaturePayload(hmacLogon)) });
    expect(refused.status).to.equal(401);
    expect(refused.error.code).to.equal(-2015);
    const bad = { ...logonParams(t), signature: sign(null, Buffer.from('other'), ED_PRIVATE).toString('base64') };
    expect(ws.call('session.logon', bad).error.code).to.equal(-1022);
    const ok = ws.call('session.logon', logonParams(t));
    expect(ok.status).to.equal(200);
    expect(ok.result).to.include({ apiKey: ED_API_KEY, authorizedSince: t.clock.nowMs(), userDataStream: false });
  });
});
