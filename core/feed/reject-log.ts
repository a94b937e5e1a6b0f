/**
 * Rate-limited logging of refused input: per reason, at most one line per
 * interval, carrying a sample of the message and how many went unlogged
 * since. Only the logged messages are turned into strings.
 */
import type { Logger } from 'pino';
import { REASON_COUNT, REASON_NAMES } from './feed-stats.js';

const SAMPLE_CHARS = 240;
const SAMPLE_BYTES_HEX = 64;

export function sampleOf(b: Uint8Array, binary: boolean): string {
  if (binary) return Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, SAMPLE_BYTES_HEX)).toString('hex');
  const text = Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8', 0, Math.min(b.length, SAMPLE_CHARS * 4));
  return text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS)}...` : text;
}

export class RejectLog {
  private readonly lastNs = new Float64Array(REASON_COUNT).fill(-Infinity);
  private readonly suppressed = new Float64Array(REASON_COUNT);

  constructor(
    private readonly logger: Logger,
    private readonly intervalNs: number,
  ) {}

  /** Records a refusal of `reason` for message b at time nowNs[0]; logs it if the reason's interval has passed. */
  note(reason: number, b: Uint8Array, binary: boolean, nowNs: Float64Array): void {
    const now = nowNs[0];
    if (now - this.lastNs[reason] < this.intervalNs) {
      this.suppressed[reason]++;
      return;
    }
    this.lastNs[reason] = now;
    const suppressed = this.suppressed[reason];
    this.suppressed[reason] = 0;
    this.logger.warn(
      { reason: REASON_NAMES[reason], suppressed, bytes: b.length, sample: sampleOf(b, binary) },
      'feed input refused',
    );
  }
}
