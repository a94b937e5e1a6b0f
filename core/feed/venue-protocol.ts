/**
 * What a client sends to each venue after connecting: the subscribe
 * messages, as the venues document them.
 *   binance   {"method":"SUBSCRIBE","params":["btcusdt@bookTicker","btcusdt@trade"],"id":1}
 *   coinbase  {"type":"subscribe","product_ids":["BTC-USD"],"channel":"ticker"} and the heartbeats channel
 *   kraken    {"method":"subscribe","params":{"channel":"ticker","symbol":["BTC/USD"]},"req_id":1}
 */
import { binanceStreamSymbol, venueSymbol, type Venue } from './symbol-map.js';

export type Stream = 'book' | 'trade';

export function subscribeMessages(venue: Venue, unified: readonly string[], streams: readonly Stream[]): string[] {
  switch (venue) {
    case 'binance': {
      const params: string[] = [];
      for (const u of unified) {
        const s = binanceStreamSymbol(u);
        if (streams.includes('book')) params.push(`${s}@bookTicker`);
        if (streams.includes('trade')) params.push(`${s}@trade`);
      }
      return [JSON.stringify({ method: 'SUBSCRIBE', params, id: 1 })];
    }
    case 'coinbase': {
      // The ticker channel carries both the top of book and the last trade price.
      const productIds = unified.map((u) => venueSymbol('coinbase', u));
      return [
        JSON.stringify({ type: 'subscribe', product_ids: productIds, channel: 'ticker' }),
        // Keeps the connection open when updates are sparse, and numbers every message.
        JSON.stringify({ type: 'subscribe', channel: 'heartbeats' }),
      ];
    }
    case 'kraken': {
      const symbol = unified.map((u) => venueSymbol('kraken', u));
      const out: string[] = [];
      let reqId = 1;
      // event_trigger bbo: an update on every best bid/offer change, not only on trades.
      if (streams.includes('book')) {
        out.push(JSON.stringify({ method: 'subscribe', params: { channel: 'ticker', symbol, event_trigger: 'bbo' }, req_id: reqId++ }));
      }
      if (streams.includes('trade')) {
        out.push(JSON.stringify({ method: 'subscribe', params: { channel: 'trade', symbol, snapshot: false }, req_id: reqId++ }));
      }
      return out;
    }
  }
}

/**
 * What a venue's error message (parsed as Reason.VENUE_ERROR) says: its reason, and which of
 * the subscribed symbols (unified names) it refuses: Kraken names the symbol, Coinbase and
 * Binance only mention it in the reason text (`BTC-USD is not a valid product`).
 *   binance   {"error":{"code":2,"msg":"..."},"id":1}
 *   coinbase  {"type":"error","message":"Failed to subscribe","reason":"BTC-USD is not a valid product"}
 *   kraken    {"error":"Currency pair not supported NOPE/USD","method":"subscribe","success":false,"symbol":"NOPE/USD"}
 * JSON.parse here is off the market-data path: a venue sends an error only in answer to a request.
 */
export function venueRefusal(venue: Venue, text: string, unified: readonly string[]): { reason: string; symbols: string[] } {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { reason: text, symbols: [] };
  }
  const err = o.error as Record<string, unknown> | string | undefined;
  const found = [o.reason, typeof err === 'object' && err !== null ? err.msg : err, o.message, o.msg].find((x) => typeof x === 'string');
  const reason = typeof found === 'string' ? found : text;
  // Words of the reason, matched whole against each symbol's venue spelling (BTCUSDT is not BTCUSDTX).
  const words = new Set([...reason.split(/[^A-Za-z0-9/-]+/), ...(typeof o.symbol === 'string' ? [o.symbol] : [])].map((w) => w.toUpperCase()));
  return { reason, symbols: unified.filter((u) => words.has(venueSymbol(venue, u).toUpperCase())) };
}
