/**
 * Reconnect delay after `attempt` failed or dropped connections (0 = the
 * first retry): base * 2^attempt, capped, with "equal jitter" (half of it
 * fixed, half uniform random) so that many clients dropped at once do not
 * come back in step, yet none retries at once.
 */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random01: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + (random01 * ceiling) / 2;
}

/**
 * Whether a failed connection attempt will fail the same way however often it is retried, so
 * that retrying only hides a wrong --feed: an HTTP answer other than the upgrade (a 404, 401 or
 * 403; a 200 from a server that is no WebSocket), a host name that does not resolve, TLS spoken
 * to a plain server or a certificate refused. Everything else passes (refused, reset, timed out,
 * 5xx, 408 and 429, a resolver that is down: EAI_AGAIN) and is retried with the backoff.
 * `err` is what ws emits: its handshake errors have a message and no code.
 */
export function permanentFailure(err: { message: string; code?: string }): boolean {
  const status = /^Unexpected server response: (\d+)/.exec(err.message);
  if (status) {
    const s = Number(status[1]);
    return s < 500 && s !== 408 && s !== 429;
  }
  const code = err.code ?? '';
  return code === 'ENOTFOUND' || code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.includes('CERT') || /Sec-WebSocket-Accept/.test(err.message);
}

/**
 * "Full jitter" (AWS architecture blog, Exponential Backoff and Jitter): a
 * delay drawn uniformly from [0, min(cap, base * 2^attempt)). Spreads a crowd
 * of clients dropped by one outage most evenly, so the venue coming back is
 * not met by a thundering herd; the gateway uses it for its reconnects.
 */
export function fullJitterDelay(attempt: number, baseMs: number, capMs: number, random01: number): number {
  return random01 * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
}
