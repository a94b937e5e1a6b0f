/**
 * The hook through which network conditions reach the simulator's
 * transports (contracts.md, "Network conditions"): every message in each
 * direction gets a fate (delay, or lost), and outages and degraded mode are
 * asked of it by time. This file holds the interface and the perfect network
 * only; the seeded profile model lives in sim/network/ and is handed in
 * through `networkFor`, so the venue never depends on how delays are drawn.
 */
export interface MessageFate {
  delayMs: number;
  lost: boolean;
}

export interface NetworkConditions {
  /** Client -> venue message about to be delivered at `nowMs`: its delay, or lost (the venue never sees it). */
  toVenue(nowMs: number): MessageFate;
  /** Venue -> client message: lost here = the venue acted but the client never hears. */
  toClient(nowMs: number): MessageFate;
  /** Scheduled outage in force: refuse new connections, drop open ones. */
  down(nowMs: number): boolean;
  /** Degraded mode in force: order requests answered 5xx / -1007 (execution status unknown). */
  degraded(nowMs: number): boolean;
}

const ON_TIME: MessageFate = Object.freeze({ delayMs: 0, lost: false });

export const PERFECT_NETWORK: NetworkConditions = Object.freeze({
  toVenue: () => ON_TIME,
  toClient: () => ON_TIME,
  down: () => false,
  degraded: () => false,
});

/** Builds the conditions for a `--profile` name. */
export type NetworkFactory = (profile: string, seed: number) => NetworkConditions;

/** Profiles this build knows; the network model adds its own when it is wired in. */
export const NETWORK_PROFILES = ['perfect'] as const;

export const defaultNetworkFactory: NetworkFactory = (profile) => {
  if (profile.toLowerCase() === 'perfect') return PERFECT_NETWORK;
  throw new Error(`unknown network profile '${profile}' (known: ${NETWORK_PROFILES.join(', ')})`);
};
