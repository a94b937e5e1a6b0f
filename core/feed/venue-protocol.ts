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
