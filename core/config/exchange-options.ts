/**
 * Where accepted orders go (--exchange): the stand-in exchange inside the
 * order sources (fills at the mid; load tests), a Binance-protocol exchange
 * simulator the engine starts on 127.0.0.1 (`sim`), or a venue's WebSocket
 * API at a URL (the Binance Spot testnet: wss://ws-api.testnet.binance.vision/ws-api/v3)
 * with keys from --exchange-keys or the environment. Validated here, at the edge.
 */
import { z } from 'zod';

/** The network profiles of the simulator (sim/network/): the names are the CLI's. */
export const NETWORK_PROFILES = ['perfect', 'good', 'average', 'poor', 'outage'] as const;
export type NetworkProfileName = (typeof NETWORK_PROFILES)[number];
export const TIME_IN_FORCE = ['IOC', 'GTC'] as const;
export type TimeInForce = (typeof TIME_IN_FORCE)[number];

export const EXCHANGE_OPTION_SPECS = {
  exchange: {
    schema: z.union([z.enum(['stand-in', 'sim']), z.string().regex(/^wss?:\/\/\S+$/).pipe(z.url())]),
    accepts: "stand-in, sim, or a venue's WebSocket API URL (ws:// or wss://)",
    help: 'where accepted orders go: the stand-in fill at the mid (default), an exchange simulator on 127.0.0.1 (sim), or a venue URL through the gateway thread',
  },
  'exchange-profile': {
    schema: z.enum(NETWORK_PROFILES),
    accepts: NETWORK_PROFILES.join('|'),
    help: 'network profile of --exchange sim (default perfect; docs/network-profiles.md)',
  },
  'exchange-keys': {
    schema: z.string().min(1),
    accepts: 'a JSON key file: {"apiKey","secretKey"} (HMAC) or {"apiKey","privateKeyFile"} (an Ed25519 PEM file)',
    help: 'API key for --exchange URL (default: BOT4_API_KEY with BOT4_API_SECRET or BOT4_ED25519_KEY_FILE)',
  },
  'exchange-tif': {
    schema: z.enum(TIME_IN_FORCE),
    accepts: TIME_IN_FORCE.join('|'),
    help: "time in force of the gateway's limit orders (default IOC: each order ends at once, filled, partly filled or expired)",
  },
} as const;

export type ExchangeOptions =
  | { kind: 'stand-in' }
  | { kind: 'sim'; profile: NetworkProfileName; tif: TimeInForce }
  | { kind: 'venue'; url: string; keysFile?: string; tif: TimeInForce };

/** --rate's default when orders go through the gateway (sim or a venue URL). */
export const DEFAULT_GATEWAY_RATE = 1000;

export type ExchangeOptionName = keyof typeof EXCHANGE_OPTION_SPECS;

/** --exchange and its companions; `fail(message)` throws the caller's option error. */
export function exchangeOptions(raw: Map<string, string>, get: (k: ExchangeOptionName) => unknown, fail: (message: string) => never): ExchangeOptions {
  const exchange = (get('exchange') as string | undefined) ?? 'stand-in';
  const tif = (get('exchange-tif') as TimeInForce | undefined) ?? 'IOC';
  const refuse = (k: ExchangeOptionName, needs: string) => {
    if (raw.has(k)) fail(`bot4: --${k} needs --exchange ${needs}`);
  };
  if (exchange === 'stand-in') {
    refuse('exchange-profile', 'sim');
    refuse('exchange-keys', 'URL');
    refuse('exchange-tif', 'sim or a venue URL');
    return { kind: 'stand-in' };
  }
  if (exchange === 'sim') {
    refuse('exchange-keys', 'URL (the simulator makes its own key)');
    return { kind: 'sim', profile: (get('exchange-profile') as NetworkProfileName | undefined) ?? 'perfect', tif };
  }
  refuse('exchange-profile', 'sim (a real venue has the network it has)');
  return { kind: 'venue', url: exchange, keysFile: get('exchange-keys') as string | undefined, tif };
}
