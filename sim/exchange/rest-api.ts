/**
 * The REST API over the venue core: route, parameters (query string and form
 * body), IP weight, signature, then the endpoint; every answer carries
 * X-MBX-USED-WEIGHT-1M, successful orders the X-MBX-ORDER-COUNT-10S/-1D
 * counts, rate-limit refusals Retry-After (seconds). Errors are the venue's
 * `{code, msg}` with its HTTP status; an unexpected exception is a 500 -1000,
 * never a crash.
 */
import { REST_ROUTES, checkParams } from './endpoints.js';
import { unknownError, VenueError } from './errors.js';
import { restParams, type Params } from './params.js';
import { restSignaturePayload } from './signature.js';
import type { ExchangeVenue } from './venue.js';

export interface RestRequest {
  method: string;
  path: string;
  query: string;
  body: string;
  headers: Record<string, string | undefined>;
  ip: string;
}

export interface RestResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = 'application/json;charset=UTF-8';

export function handleRest(venue: ExchangeVenue, req: RestRequest): RestResponse {
  const headers: Record<string, string> = { 'Content-Type': JSON_TYPE };
  let account: string | undefined;
  let placesOrder = false;
  try {
    if (req.query.length + req.body.length > venue.options.maxMessageBytes) throw new VenueError(-1101, 'Too many parameters sent for this endpoint.', 413);
    const endpoint = REST_ROUTES[`${req.method.toUpperCase()} ${req.path}`];
    if (!endpoint) {
      const known = Object.keys(REST_ROUTES).some((r) => r.endsWith(` ${req.path}`));
      throw new VenueError(-1000, known ? 'Method not allowed.' : 'Not found.', known ? 405 : 404);
    }
    placesOrder = endpoint.placesOrder === true;
    const p: Params = restParams(req.query, req.body);
    venue.limits.chargeWeight(req.ip, endpoint.weight(p), placesOrder);
    checkParams(endpoint, p);
    if (endpoint.security === 'SIGNED') {
      const key = venue.key(header(req, 'x-mbx-apikey'));
      const { payload, signature } = restSignaturePayload(req.query, req.body);
      venue.verify(key, p, payload, signature);
      account = key.account;
    }
    const result = venue.run(endpoint, p, req.ip, account ?? '');
    Object.assign(headers, venue.limits.headers(req.ip, placesOrder ? account : undefined));
    return { status: 200, headers, body: JSON.stringify(result) };
  } catch (e) {
    if (!(e instanceof VenueError)) venue.onInternalError(e);
    const err = e instanceof VenueError ? e : unknownError();
    Object.assign(headers, venue.limits.headers(req.ip, placesOrder ? account : undefined));
    if (err.retryAfterMs !== undefined) headers['Retry-After'] = String(Math.max(0, Math.ceil((err.retryAfterMs - venue.clock.nowMs()) / 1000)));
    return { status: err.status, headers, body: JSON.stringify({ code: err.code, msg: err.msg }) };
  }
}

function header(req: RestRequest, name: string): string | undefined {
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}
