/**
 * The WebSocket API requests the gateway sends, as text. Parameters are
 * written in name order, which is also the order the signature payload
 * needs, so one list serves both. Every value is ASCII that needs no JSON
 * escape (symbols and client order ids are validated at start, numbers are
 * formatted here), so the text is built by concatenation, not JSON.stringify.
 *
 * Keys: with HMAC every SIGNED request carries apiKey + signature; with
 * Ed25519 the session is logged on once (session.logon) and SIGNED requests
 * then carry only their timestamp (web-socket-api.md, Session Authentication).
 */
import { OrderType, Side } from '../../ipc/frame-layout.js';
import { type Param, type RequestSigner, signaturePayload } from './request-signer.js';

export class RequestEncoder {
  private readonly hmac: boolean;

  constructor(
    private readonly signer: RequestSigner,
    readonly clientIdPrefix: string,
    readonly recvWindowMs: number,
    /** Of LIMIT orders: GTC rests on the book; IOC takes what crosses now and expires the rest. */
    readonly timeInForce: 'GTC' | 'IOC' = 'GTC',
  ) {
    this.hmac = signer.kind === 'hmac';
  }

  clientOrderId(clientId: number): string {
    return this.clientIdPrefix + clientId;
  }

  /** A LIMIT (timeInForce) or MARKET order; `price`/`qty` already formatted on the symbol's grid. RESULT: the ack carries status and executedQty. */
  place(id: number, nowMs: number, symbol: string, side: number, type: number, price: string, qty: string, clientId: number): string {
    const p: Param[] = [['newClientOrderId', this.clientOrderId(clientId)], ['newOrderRespType', 'RESULT']];
    if (type === OrderType.Limit) p.push(['price', price]);
    p.push(['quantity', qty], ['recvWindow', this.recvWindowMs], ['side', side === Side.Buy ? 'BUY' : 'SELL'], ['symbol', symbol]);
    if (type === OrderType.Limit) p.push(['timeInForce', this.timeInForce]);
    p.push(['timestamp', Math.floor(nowMs)], ['type', type === OrderType.Limit ? 'LIMIT' : 'MARKET']);
    return this.signed(id, 'order.place', p);
  }

  cancel(id: number, nowMs: number, symbol: string, clientId: number): string {
    return this.signed(id, 'order.cancel', [
      ['origClientOrderId', this.clientOrderId(clientId)],
      ['recvWindow', this.recvWindowMs],
      ['symbol', symbol],
      ['timestamp', Math.floor(nowMs)],
    ]);
  }

  /** order.status by origClientOrderId: how an unknown outcome is resolved. */
  status(id: number, nowMs: number, symbol: string, clientId: number): string {
    return this.signed(id, 'order.status', [
      ['origClientOrderId', this.clientOrderId(clientId)],
      ['recvWindow', this.recvWindowMs],
      ['symbol', symbol],
      ['timestamp', Math.floor(nowMs)],
    ]);
  }

  /** openOrders.status for every symbol (weight 80; reconnects only). */
  openOrders(id: number, nowMs: number): string {
    return this.signed(id, 'openOrders.status', [
      ['recvWindow', this.recvWindowMs],
      ['timestamp', Math.floor(nowMs)],
    ]);
  }

  /** Ed25519 only: authenticates the connection for everything after it. */
  logon(id: number, nowMs: number): string {
    return this.build(id, 'session.logon', this.withSignature([['apiKey', this.signer.apiKey], ['timestamp', Math.floor(nowMs)]]));
  }

  /** The user data stream on this connection: executionReport events. */
  subscribe(id: number, nowMs: number): string {
    if (!this.hmac) return `{"id":${id},"method":"userDataStream.subscribe"}`;
    return this.build(id, 'userDataStream.subscribe.signature', this.withSignature([['apiKey', this.signer.apiKey], ['timestamp', Math.floor(nowMs)]]));
  }

  /** Application-level liveness probe (the transport answers the venue's ping frames itself). */
  ping(id: number): string {
    return `{"id":${id},"method":"ping"}`;
  }

  private signed(id: number, method: string, params: Param[]): string {
    if (!this.hmac) return this.build(id, method, params);
    params.unshift(['apiKey', this.signer.apiKey]); // 'apiKey' sorts first of every list here
    return this.build(id, method, this.withSignature(params));
  }

  private withSignature(params: Param[]): Param[] {
    params.push(['signature', this.signer.sign(signaturePayload(params))]);
    return params;
  }

  private build(id: number, method: string, params: readonly Param[]): string {
    let s = `{"id":${id},"method":"${method}","params":{`;
    for (let k = 0; k < params.length; k++) {
      const [name, v] = params[k];
      s += (k === 0 ? '"' : ',"') + name + (typeof v === 'number' ? '":' + v : '":"' + v + '"');
    }
    return s + '}}';
  }
}
