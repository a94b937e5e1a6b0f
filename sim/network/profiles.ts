/**
 * The network profiles of issue 10, with the reference report's values
 * (docs/network-profiles.md has them side by side, and what each field means).
 *
 * A message's delay is drawn per direction (sim/network/direction.ts):
 *   delay = max(0, meanMs + sigmaMs * u) + burst extra,  u an AR(1) series of unit variance,
 * and it is lost with probability lossRate. A burst is a stall of the path:
 * while none is in force, each message starts one with probability
 * BURST_PROBABILITY; it lasts burstMs from that message's send time, and every
 * message sent inside it is held until it ends (extra = burst end - send time).
 */
export const PROFILE_NAMES = ['perfect', 'good', 'average', 'poor', 'outage'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface NetworkProfile {
  readonly name: ProfileName;
  /** Mean one-way delay of a message outside a burst. */
  readonly meanMs: number;
  /** Standard deviation of that delay (normal jitter). */
  readonly sigmaMs: number;
  /** Probability that one message is lost (Bernoulli per message). */
  readonly lossRate: number;
  /** Duration of a burst (0: this profile has none). */
  readonly burstMs: number;
}

/** Chance that a message sent outside a burst starts one (the reference's "5% chance"). */
export const BURST_PROBABILITY = 0.05;

export const PROFILES: Readonly<Record<ProfileName, NetworkProfile>> = {
  perfect: { name: 'perfect', meanMs: 1, sigmaMs: 0.1, lossRate: 0, burstMs: 0 },
  good: { name: 'good', meanMs: 10, sigmaMs: 2, lossRate: 0.001, burstMs: 0 },
  average: { name: 'average', meanMs: 50, sigmaMs: 10, lossRate: 0.01, burstMs: 100 },
  poor: { name: 'poor', meanMs: 150, sigmaMs: 50, lossRate: 0.05, burstMs: 500 },
  outage: { name: 'outage', meanMs: 1000, sigmaMs: 500, lossRate: 0.3, burstMs: 5000 },
};

/** The profile called `name`, in any letter case ("Poor", "poor"); a RangeError naming the choices otherwise. */
export function profileByName(name: string): NetworkProfile {
  const key = name.toLowerCase();
  if (!(PROFILE_NAMES as readonly string[]).includes(key)) {
    throw new RangeError(`unknown network profile '${name}' (one of ${PROFILE_NAMES.join(', ')})`);
  }
  return PROFILES[key as ProfileName];
}
