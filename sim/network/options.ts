/**
 * The network options a CLI or a config file gives (exchange simulator,
 * benches), validated at the edge. Numbers may come as strings from argv.
 */
import { z } from 'zod';
import { PROFILE_NAMES } from './profiles.js';

export const networkOptionsSchema = z.strictObject({
  /** Profile name, any letter case ("Poor" or "poor"). */
  profile: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(PROFILE_NAMES))
    .default('perfect'),
  /** AR(1) coefficient of the delay series: lag-1 autocorrelation of consecutive messages' delays. */
  ar1: z.coerce.number().min(0).lt(1).default(0.5),
  /** Seed of the model's random streams: the same seed and the same calls give the same fates. */
  seed: z.coerce.number().int().default(1),
});

/** What a caller writes (every field optional). */
export type NetworkOptionsInput = z.input<typeof networkOptionsSchema>;
/** After validation, with defaults filled in. */
export type NetworkOptions = z.output<typeof networkOptionsSchema>;
