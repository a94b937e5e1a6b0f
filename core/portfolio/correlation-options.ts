/**
 * The correlation engine's options (issue 11), validated with zod: the
 * engine's --correlation on takes these defaults; CorrelationService
 * (engine/portfolio/correlation-service.ts) parses what it is given.
 */
import { z } from 'zod';

/** Fewest returns per symbol before the first publication, by default (the smallest window the launcher accepts). */
export const CORRELATION_MIN_POINTS = 30;

export const correlationOptionsSchema = z
  .object({
    /** Log returns kept per symbol (N). */
    window: z.number().int().min(2).max(100_000).default(1000),
    /** One return per symbol per this many ms, sampled from the reference mid. */
    sampleMs: z.number().int().min(1).max(3_600_000).default(100),
    /** The pool recomputes and publishes the matrix this often. */
    recomputeMs: z.number().int().min(1).max(3_600_000).default(100),
    /** Fewest returns per symbol before the first matrix is published. */
    minPoints: z.number().int().min(2).default(CORRELATION_MIN_POINTS),
  })
  .strict()
  .refine((o) => o.minPoints <= o.window, { message: 'minPoints must not exceed window', path: ['minPoints'] });

export type CorrelationOptions = z.infer<typeof correlationOptionsSchema>;
