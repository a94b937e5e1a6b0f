/**
 * Faults the feed simulator injects, by command (FeedSim.inject), by
 * schedule (kind@time[:arg], e.g. "stall@5s:2s,disconnect@10s,garbage@12s:20")
 * or continuously (a fraction of messages, e.g. --garbage-rate 0.001).
 *
 *   disconnect        drop every connection (TCP reset, no close frame)
 *   stall:DURATION    send nothing at all for DURATION (data, heartbeats, pings)
 *   garbage:N         replace the next N messages with bad input, cycling through GARBAGE_KINDS
 *   gap:N             skip N sequence numbers in the next message that carries one
 *   crossed:N         send the next N top-of-book updates crossed (bid > ask)
 *   oversize:BYTES    send one valid message of BYTES bytes (beyond the client's maxPayload)
 */
export type FaultKind = 'disconnect' | 'stall' | 'garbage' | 'gap' | 'crossed' | 'oversize';

export interface Fault {
  kind: FaultKind;
  /** stall: milliseconds; garbage/gap/crossed: count; oversize: bytes. */
  arg: number;
}

export interface ScheduledFault extends Fault {
  atMs: number;
}

/** What each garbage message is, in turn. */
export const GARBAGE_KINDS = [
  'not-json',
  'truncated',
  'nan-price',
  'negative-price',
  'unknown-symbol',
  'binary-frame',
  'wrong-type',
  'infinite-price',
  'missing-field',
  'zero-quantity',
] as const;
export type GarbageKind = (typeof GARBAGE_KINDS)[number];

const DEFAULT_ARG: Record<FaultKind, number> = {
  disconnect: 0,
  stall: 2000,
  garbage: 10,
  gap: 1,
  crossed: 1,
  oversize: 2 * 1024 * 1024,
};

/** "1500", "1500ms", "2s", "1m" -> milliseconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (!m) throw new RangeError(`not a duration: '${s}' (e.g. 500ms, 2s, 1m)`);
  const x = Number(m[1]);
  return Math.round(m[2] === 's' ? x * 1000 : m[2] === 'm' ? x * 60_000 : x);
}

/** "kind[:arg]" -> Fault; stall's arg is a duration, the others' a positive integer. */
export function parseFault(s: string): Fault {
  const [kind, arg] = s.trim().split(':');
  if (!(kind in DEFAULT_ARG)) throw new RangeError(`unknown fault '${kind}' (one of ${Object.keys(DEFAULT_ARG).join(', ')})`);
  const k = kind as FaultKind;
  if (arg === undefined) return { kind: k, arg: DEFAULT_ARG[k] };
  const n = k === 'stall' ? parseDuration(arg) : Number(arg);
  if (!Number.isInteger(n) || n < (k === 'disconnect' ? 0 : 1)) throw new RangeError(`bad argument for ${k}: '${arg}'`);
  return { kind: k, arg: n };
}

/** "stall@5s:2s,disconnect@10s" -> scheduled faults, in time order. */
export function parseSchedule(s: string): ScheduledFault[] {
  if (s.trim() === '') return [];
  return s
    .split(',')
    .map((part) => {
      const at = part.indexOf('@');
      if (at < 0) throw new RangeError(`schedule entry '${part}' needs kind@time[:arg]`);
      const rest = part.slice(at + 1);
      const colon = rest.indexOf(':');
      const when = colon < 0 ? rest : rest.slice(0, colon);
      const arg = colon < 0 ? '' : `:${rest.slice(colon + 1)}`;
      return { ...parseFault(part.slice(0, at) + arg), atMs: parseDuration(when) };
    })
    .sort((a, b) => a.atMs - b.atMs);
}
