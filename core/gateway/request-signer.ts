/**
 * Signatures of SIGNED WebSocket API requests (Binance "SIGNED request
 * security"): the payload is every parameter but `signature`, sorted by name,
 * as `name=value` joined with `&`, no percent-encoding, UTF-8. HMAC-SHA256
 * keys sign it into lowercase hex; Ed25519 keys into base64. With Ed25519 the
 * gateway logs the session on once (session.logon) and then sends orders
 * unsigned: no signature per order, the fastest path the venue offers.
 */
import { type KeyObject, createHmac, createPrivateKey, sign as cryptoSign } from 'node:crypto';

export type Param = readonly [name: string, value: string | number];

export interface RequestSigner {
  readonly kind: 'hmac' | 'ed25519';
  readonly apiKey: string;
  sign(payload: string): string;
}

/** The string that is signed: parameters sorted by name (the caller's array is left as it is). */
export function signaturePayload(params: readonly Param[]): string {
  const sorted = params.slice().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let s = '';
  for (const [k, v] of sorted) s += (s.length === 0 ? '' : '&') + k + '=' + String(v);
  return s;
}

export class HmacSigner implements RequestSigner {
  readonly kind = 'hmac' as const;
  readonly apiKey: string;
  readonly #secret: string;

  constructor(apiKey: string, secretKey: string) {
    this.apiKey = apiKey;
    this.#secret = secretKey;
  }

  sign(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload, 'utf8').digest('hex');
  }

  /** Keeps the secret out of logs and JSON dumps. */
  toJSON(): object {
    return { kind: this.kind, apiKey: this.apiKey };
  }
}

export class Ed25519Signer implements RequestSigner {
  readonly kind = 'ed25519' as const;
  readonly apiKey: string;
  readonly #key: KeyObject;

  /** `privateKeyPem`: a PKCS#8 PEM Ed25519 private key. Throws when it is not one. */
  constructor(apiKey: string, privateKeyPem: string) {
    this.apiKey = apiKey;
    const key = createPrivateKey(privateKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 private key (${key.asymmetricKeyType ?? 'unknown'})`);
    this.#key = key;
  }

  sign(payload: string): string {
    return cryptoSign(null, Buffer.from(payload, 'utf8'), this.#key).toString('base64');
  }

  toJSON(): object {
    return { kind: this.kind, apiKey: this.apiKey };
  }
}
