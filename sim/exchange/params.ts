/**
 * Request parameters as the venue reads them, for REST (query string and
 * form body; the query string wins a name sent in both) and the WebSocket
 * API (a JSON object) alike: every value becomes its text, then each
 * endpoint reads the names it knows, with the venue's errors for what is
 * missing (-1102), malformed (-1100), duplicated (-1101), not wanted for the
 * order type (-1106) or not known at all (-1104).
 */
import { parseUnits } from './decimal.js';
import {
  illegalChars,
  invalidRecvWindow,
  invalidSide,
  invalidTif,
  invalidType,
  mandatory,
  notRequired,
  tooManyParams,
  VenueError,
} from './errors.js';
import type { PlaceRequest } from './matching.js';
import type { OrderType, RespType, TimeInForce } from './orders.js';
import { decodeOr } from './signature.js';

export type Params = Map<string, string>;

const DECIMAL_RANGE = '^([0-9]{1,20})(\\.[0-9]{1,20})?$';
const SYMBOL = /^[A-Z0-9_.-]{1,20}$/;
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
const LONG = /^\d{1,19}$/;

/** Query string then body (form-encoded); a name twice in one of them is -1101, in both the query's wins. */
export function restParams(query: string, body: string): Params {
  const fromQuery = formPairs(query);
  const out = formPairs(body);
  for (const [k, v] of fromQuery) out.set(k, v);
  return out;
}

function formPairs(text: string): Params {
  const out: Params = new Map();
  if (text === '') return out;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeOr(eq < 0 ? pair : pair.slice(0, eq), '\u0000');
    const value = eq < 0 ? '' : decodeOr(pair.slice(eq + 1), '\u0000');
    if (out.has(name)) throw tooManyParams();
    out.set(name, value);
  }
  return out;
}

/** A WebSocket request's params object; nested objects are not values any endpoint here takes. */
export function wsParams(params: unknown): Params {
  const out: Params = new Map();
  if (params === undefined || params === null) return out;
  if (typeof params !== 'object' || Array.isArray(params)) throw new VenueError(-1102, "Mandatory parameter 'params' was not sent, was empty/null, or malformed.");
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    if (v === null) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.set(k, String(v));
    else throw illegalChars(k, 'a string, number or boolean');
  }
  return out;
}

/** Refuses any param not in `known` (-1104), as the venue does. */
export function onlyKnown(p: Params, known: readonly string[]): void {
  let read = 0;
  for (const k of p.keys()) if (known.includes(k)) read++;
  if (read !== p.size) throw new VenueError(-1104, `Not all sent parameters were read; read '${read}' parameter(s) but was sent '${p.size}'.`);
}

export function optional(p: Params, name: string): string | undefined {
  const v = p.get(name);
  return v === undefined || v === '' ? undefined : v;
}

export function required(p: Params, name: string): string {
  const v = optional(p, name);
  if (v === undefined) throw mandatory(name);
  return v;
}

export function symbolParam(p: Params, name = 'symbol'): string {
  const v = required(p, name);
  if (!SYMBOL.test(v)) throw illegalChars(name, '^[A-Z0-9-_.]{1,20}$');
  return v;
}

export function optionalSymbol(p: Params): string | undefined {
  return optional(p, 'symbol') === undefined ? undefined : symbolParam(p);
}

export function decimalParam(p: Params, name: string): number | undefined {
  const v = optional(p, name);
  if (v === undefined) return undefined;
  const units = parseUnits(v);
  if (Number.isNaN(units)) throw illegalChars(name, DECIMAL_RANGE);
  return units;
}

export function longParam(p: Params, name: string): number | undefined {
  const v = optional(p, name);
  if (v === undefined) return undefined;
  if (!LONG.test(v) || !Number.isSafeInteger(Number(v))) throw illegalChars(name, '^[0-9]{1,19}$');
  return Number(v);
}

export function clientIdParam(p: Params, name: string): string | undefined {
  const v = optional(p, name);
  if (v !== undefined && !CLIENT_ID.test(v)) throw illegalChars(name, '^[\\.A-Z\\:/a-z0-9_-]{1,36}$');
  return v;
}

/** recvWindow in ms: default 5000, at most 60000, up to three decimals. */
export function recvWindowParam(p: Params): number {
  const v = optional(p, 'recvWindow');
  if (v === undefined) return 5000;
  if (!/^\d{1,9}(\.\d{1,3})?$/.test(v)) throw illegalChars('recvWindow', '^[0-9]{1,9}(\\.[0-9]{1,3})?$');
  const ms = Number(v);
  if (ms > 60_000) throw invalidRecvWindow();
  return ms;
}

/** timestamp in ms; a value in microseconds (16 digits) is accepted as the venue does. */
export function timestampParam(p: Params): number {
  const v = longParam(p, 'timestamp');
  if (v === undefined) throw mandatory('timestamp');
  return v >= 1e14 ? v / 1000 : v;
}

const TYPES: readonly OrderType[] = ['LIMIT', 'MARKET', 'LIMIT_MAKER'];
const TIFS: readonly TimeInForce[] = ['GTC', 'IOC', 'FOK'];
const RESP_TYPES: readonly RespType[] = ['ACK', 'RESULT', 'FULL'];

export const PLACE_PARAMS = [
  'symbol',
  'side',
  'type',
  'timeInForce',
  'quantity',
  'quoteOrderQty',
  'price',
  'newClientOrderId',
  'newOrderRespType',
  'selfTradePreventionMode',
  'strategyId',
  'strategyType',
] as const;

/** A new order's params: type-dependent mandatory and unwanted params checked here, filters by the matching engine. */
export function placeParams(p: Params): { request: PlaceRequest; respType: RespType } {
  const symbol = symbolParam(p);
  const side = required(p, 'side');
  if (side !== 'BUY' && side !== 'SELL') throw invalidSide();
  const type = required(p, 'type') as OrderType;
  if (!TYPES.includes(type)) throw invalidType();
  const tifText = optional(p, 'timeInForce');
  if (tifText !== undefined && !TIFS.includes(tifText as TimeInForce)) throw invalidTif();
  const respText = optional(p, 'newOrderRespType');
  if (respText !== undefined && !RESP_TYPES.includes(respText as RespType)) throw illegalChars('newOrderRespType', RESP_TYPES.join('|'));
  const stp = optional(p, 'selfTradePreventionMode');
  if (stp !== undefined && stp !== 'NONE') throw new VenueError(-1013, 'This symbol does not support the requested self-trade prevention mode.');
  longParam(p, 'strategyId');
  longParam(p, 'strategyType');
  const request: PlaceRequest = {
    symbol,
    side,
    type,
    timeInForce: tifText as TimeInForce | undefined,
    quantity: decimalParam(p, 'quantity'),
    quoteOrderQty: decimalParam(p, 'quoteOrderQty'),
    price: decimalParam(p, 'price'),
    newClientOrderId: clientIdParam(p, 'newClientOrderId'),
  };
  if (type === 'LIMIT') {
    if (request.timeInForce === undefined) throw mandatory('timeInForce');
    if (request.quantity === undefined) throw mandatory('quantity');
    if (request.price === undefined) throw mandatory('price');
    if (request.quoteOrderQty !== undefined) throw notRequired('quoteOrderQty');
  } else if (type === 'LIMIT_MAKER') {
    if (request.quantity === undefined) throw mandatory('quantity');
    if (request.price === undefined) throw mandatory('price');
    if (request.timeInForce !== undefined) throw notRequired('timeInForce');
    if (request.quoteOrderQty !== undefined) throw notRequired('quoteOrderQty');
  } else {
    if (request.price !== undefined) throw notRequired('price');
    if (request.timeInForce !== undefined) throw notRequired('timeInForce');
    if (request.quantity !== undefined && request.quoteOrderQty !== undefined) throw notRequired('quoteOrderQty');
  }
  return { request, respType: (respText as RespType | undefined) ?? (type === 'LIMIT_MAKER' ? 'ACK' : 'FULL') };
}
