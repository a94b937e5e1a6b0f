/**
 * Circuit-breaker settings, validated with zod where they enter (the limits
 * config file); everything downstream trusts them. Names and defaults follow
 * resilience4j's CircuitBreakerConfig, with durations in milliseconds.
 */
import { z } from 'zod';

/** Count windows keep one int32 slot per call of the window; window counts are 16-bit fields. */
export const MAX_COUNT_WINDOW = 1024;
/** Time windows keep one 16-byte snapshot per bucket. */
export const MAX_TIME_BUCKETS = 64;
/** Half-open permits are counted in 10 bits of a tagged word. */
export const MAX_HALF_OPEN_PERMITS = 1023;

const ms = z.number().positive().max(7 * 24 * 3600 * 1000);

/** The fields and defaults; breakerSettingsSchema adds the cross-field checks. */
export const breakerSettingsFields = z.strictObject({
  slidingWindowType: z.enum(['count', 'time']).default('count'),
  /** count: the last N calls (1..1024); time: the last N seconds. */
  slidingWindowSize: z.number().int().min(1).default(100),
  /** time windows only: bucket width; the window holds slidingWindowSize * 1000 / bucketMs buckets. */
  bucketMs: ms.default(1000),
  minimumNumberOfCalls: z.number().int().min(1).default(100),
  failureRateThreshold: z.number().gt(0).max(100).default(50),
  slowCallRateThreshold: z.number().gt(0).max(100).default(100),
  slowCallDurationThresholdMs: ms.default(60_000),
  permittedNumberOfCallsInHalfOpenState: z.number().int().min(1).max(MAX_HALF_OPEN_PERMITS).default(10),
  /** 0 = wait for every probe's outcome, however long; otherwise reopen after this long in HALF_OPEN. */
  maxWaitDurationInHalfOpenStateMs: z.number().min(0).max(7 * 24 * 3600 * 1000).default(0),
  /** Exponential backoff in OPEN: wait * multiplier^(consecutive opens - 1), capped at maxWait. */
  waitDurationInOpenStateMs: ms.default(60_000),
  backoffMultiplier: z.number().min(1).max(100).default(2),
  maxWaitDurationInOpenStateMs: ms.default(600_000),
});

/** The same fields, optional and without defaults: a partial override to merge over other settings. */
export const breakerOverrideSchema = z.strictObject(
  Object.fromEntries(Object.entries(breakerSettingsFields.shape).map(([k, v]) => [k, v.unwrap().optional()])) as {
    [K in keyof typeof breakerSettingsFields.shape]: z.ZodOptional<ReturnType<(typeof breakerSettingsFields.shape)[K]['unwrap']>>;
  },
);

export const breakerSettingsSchema = breakerSettingsFields.superRefine((s, ctx) => {
  if (s.slidingWindowType === 'count' && s.slidingWindowSize > MAX_COUNT_WINDOW) {
    ctx.addIssue({ code: 'custom', path: ['slidingWindowSize'], message: `a count window holds at most ${MAX_COUNT_WINDOW} calls` });
  }
  if (s.slidingWindowType === 'time') {
    const buckets = (s.slidingWindowSize * 1000) / s.bucketMs;
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_TIME_BUCKETS) {
      ctx.addIssue({
        code: 'custom',
        path: ['bucketMs'],
        message: `slidingWindowSize * 1000 / bucketMs must be a whole number of buckets from 1 to ${MAX_TIME_BUCKETS}`,
      });
    }
  }
  if (s.maxWaitDurationInOpenStateMs < s.waitDurationInOpenStateMs) {
    ctx.addIssue({ code: 'custom', path: ['maxWaitDurationInOpenStateMs'], message: 'must be >= waitDurationInOpenStateMs' });
  }
});

export type BreakerSettings = z.output<typeof breakerSettingsSchema>;
export type BreakerSettingsInput = z.input<typeof breakerSettingsSchema>;

export function breakerSettings(input: BreakerSettingsInput = {}): BreakerSettings {
  return breakerSettingsSchema.parse(input);
}

export function timeBuckets(s: BreakerSettings): number {
  return Math.round((s.slidingWindowSize * 1000) / s.bucketMs);
}

/** True when two settings need different shared-memory layouts (a live reload cannot switch them). */
export function breakerLayoutDiffers(a: BreakerSettings, b: BreakerSettings): boolean {
  if (a.slidingWindowType !== b.slidingWindowType) return true;
  if (a.slidingWindowType === 'count') return a.slidingWindowSize !== b.slidingWindowSize;
  return timeBuckets(a) !== timeBuckets(b) || a.bucketMs !== b.bucketMs;
}
