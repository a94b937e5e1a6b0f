/**
 * How the simulator gets its network conditions (sim/network/conditions.ts):
 * with no profile named, the perfect network (no delay, no loss, no timer
 * hop); with one, the seeded NetworkModel under that profile, which can be
 * switched and given outages and degraded windows while the venue runs.
 */
import type { Scheduler } from '../../core/clock/scheduler.js';
import { PERFECT_NETWORK, type NetworkConditions } from '../network/conditions.js';
import { NetworkModel } from '../network/network-model.js';
import { PROFILE_NAMES } from '../network/profiles.js';

export const NETWORK_PROFILES = PROFILE_NAMES;

/** The conditions for `--profile` (none: the perfect network); throws, naming the known profiles, for an unknown name. */
export function networkFor(profile: string | undefined, seed: number, scheduler: Scheduler): { conditions: NetworkConditions; model: NetworkModel | null } {
  if (profile === undefined) return { conditions: PERFECT_NETWORK, model: null };
  if (!(PROFILE_NAMES as readonly string[]).includes(profile.toLowerCase()))
    throw new Error(`unknown network profile '${profile}' (known: ${PROFILE_NAMES.join(', ')})`);
  const model = new NetworkModel(scheduler, { profile, seed });
  return { conditions: model, model };
}
