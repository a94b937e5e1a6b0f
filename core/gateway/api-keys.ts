/**
 * Venue API keys, from the environment or a JSON file, validated with zod.
 * Secrets never reach a log line or an error message: every failure is one
 * line that names the variable or file field at fault, never its value.
 *
 *   BOT4_API_KEY + BOT4_API_SECRET          HMAC-SHA256
 *   BOT4_API_KEY + BOT4_ED25519_KEY_FILE    Ed25519 (PKCS#8 PEM private key file)
 *   BOT4_API_KEYS_FILE=FILE                 { "apiKey", "secretKey" } or { "apiKey", "privateKeyFile" }
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { Ed25519Signer, HmacSigner, type RequestSigner } from './request-signer.js';

export class KeyConfigError extends Error {
  override readonly name = 'KeyConfigError';
}

/** Printable ASCII without spaces: what API keys and HMAC secrets are made of. */
const token = z.string().regex(/^[\x21-\x7e]{8,512}$/, 'must be 8 to 512 printable characters without spaces');
const KeyFile = z.union([
  z.strictObject({ apiKey: token, secretKey: token }),
  z.strictObject({ apiKey: token, privateKeyFile: z.string().min(1) }),
]);

function ed25519(apiKey: string, file: string, what: string): RequestSigner {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KeyConfigError(`${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return new Ed25519Signer(apiKey, pem);
  } catch {
    throw new KeyConfigError(`${what}: ${file} holds no Ed25519 private key in PEM`);
  }
}

/** The signer the keys describe; throws KeyConfigError (one line, no secret) when they are missing or bad. */
export function loadApiKeys(env: Record<string, string | undefined> = process.env): RequestSigner {
  const file = env.BOT4_API_KEYS_FILE;
  if (file !== undefined && file !== '') {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new KeyConfigError(`BOT4_API_KEYS_FILE: cannot read ${file} as JSON (${(e as NodeJS.ErrnoException).code ?? 'syntax error'})`);
    }
    const r = KeyFile.safeParse(json);
    if (!r.success) throw new KeyConfigError(`BOT4_API_KEYS_FILE ${file}: accepts {"apiKey","secretKey"} or {"apiKey","privateKeyFile"}, each key 8 to 512 printable characters`);
    const k = r.data;
    return 'secretKey' in k ? new HmacSigner(k.apiKey, k.secretKey) : ed25519(k.apiKey, resolve(dirname(file), k.privateKeyFile), `BOT4_API_KEYS_FILE ${file}`);
  }
  const apiKey = token.safeParse(env.BOT4_API_KEY ?? '');
  if (!apiKey.success) {
    throw new KeyConfigError(env.BOT4_API_KEY ? `BOT4_API_KEY: ${apiKey.error.issues[0].message}` : 'no venue API key: set BOT4_API_KEY with BOT4_API_SECRET or BOT4_ED25519_KEY_FILE, or BOT4_API_KEYS_FILE');
  }
  const secret = env.BOT4_API_SECRET;
  const pemFile = env.BOT4_ED25519_KEY_FILE;
  if (secret && pemFile) throw new KeyConfigError('set one of BOT4_API_SECRET and BOT4_ED25519_KEY_FILE, not both');
  if (pemFile) return ed25519(apiKey.data, pemFile, 'BOT4_ED25519_KEY_FILE');
  if (!secret) throw new KeyConfigError('BOT4_API_KEY is set but neither BOT4_API_SECRET nor BOT4_ED25519_KEY_FILE');
  const s = token.safeParse(secret);
  if (!s.success) throw new KeyConfigError(`BOT4_API_SECRET: ${s.error.issues[0].message}`);
  return new HmacSigner(apiKey.data, s.data);
}
