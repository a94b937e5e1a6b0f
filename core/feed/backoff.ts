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
