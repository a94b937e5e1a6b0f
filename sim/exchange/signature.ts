/**
 * API keys and request signatures as the venue checks them (rest-api.md,
 * "SIGNED Endpoint security"): HMAC-SHA256 in hex (case-insensitive), or
 * Ed25519 in base64 over the exact bytes of the signature payload. For REST
 * the payload is the query string concatenated with the body as sent, less
 * the `signature` parameter; for the WebSocket API it is the request's params
 * but `signature`, sorted by name, joined as `name=value&...` (see
 * wsSignaturePayload). Comparisons are constant-time.
 */
import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { ApiKeySpec } from './sim-options.js';

export type KeyKind = 'HMAC' | 'ED25519';

export interface ApiKey {
  readonly apiKey: string;
  readonly kind: KeyKind;
  /** Accounts group keys; a key without one is its own account. */
  readonly account: string;
  verify(payload: string, signature: string): boolean;
}

export function hmacHex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload, 'utf8').digest('hex');
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

function hmacKey(spec: { apiKey: string; secretKey: string; account?: string }): ApiKey {
  return {
    apiKey: spec.apiKey,
    kind: 'HMAC',
    account: spec.account ?? spec.apiKey,
    verify(payload, signature) {
      if (!HEX64.test(signature)) return false;
      const want = Buffer.from(hmacHex(spec.secretKey, payload), 'hex');
      return timingSafeEqual(want, Buffer.from(signature, 'hex'));
    },
  };
}

function ed25519Key(spec: { apiKey: string; publicKey: string; account?: string }): ApiKey {
  let key: KeyObject;
  try {
    key = createPublicKey(spec.publicKey);
  } catch (e) {
    throw new Error(`public key of ${spec.apiKey} cannot be read: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`public key of ${spec.apiKey} is ${key.asymmetricKeyType}, not ed25519`);
  return {
    apiKey: spec.apiKey,
    kind: 'ED25519',
    account: spec.account ?? spec.apiKey,
    verify(payload, signature) {
      const sig = Buffer.from(signature, 'base64');
      if (sig.length !== 64) return false;
      return verify(null, Buffer.from(payload, 'utf8'), key, sig);
    },
  };
}

export class KeyStore {
  private readonly keys = new Map<string, ApiKey>();

  constructor(specs: readonly ApiKeySpec[]) {
    for (const s of specs) this.keys.set(s.apiKey, 'secretKey' in s ? hmacKey(s) : ed25519Key(s));
  }

  get(apiKey: string): ApiKey | undefined {
    return this.keys.get(apiKey);
  }

  get size(): number {
    return this.keys.size;
  }
}

/** The WebSocket API's signature payload: every param but `signature`, sorted by name, `name=value` joined by `&`. */
export function wsSignaturePayload(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((k) => k !== 'signature')
    .sort()
    .map((k) => `${k}=${wsParamText(params[k])}`)
    .join('&');
}

/** A param's text as clients sign it: strings as they are, numbers and booleans as JSON writes them. */
export function wsParamText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** The REST signature payload: the query string and the body as sent, with the `signature` pair taken out. */
export function restSignaturePayload(query: string, body: string): { payload: string; signature: string | undefined } {
  let signature: string | undefined;
  const strip = (s: string) =>
    s
      .split('&')
      .filter((pair) => {
        if (pair.startsWith('signature=')) {
          signature = decodeOr(pair.slice('signature='.length), '');
          return false;
        }
        return true;
      })
      .join('&');
  return { payload: strip(query) + strip(body), signature };
}

/** decodeURIComponent that answers `fallback` for a malformed escape instead of throwing. */
export function decodeOr(text: string, fallback: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return fallback;
  }
}
