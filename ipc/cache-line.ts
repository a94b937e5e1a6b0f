/**
 * The one cache-line constant every shared-memory layout derives its offsets
 * from. 128 bytes, not 64: Intel's adjacent-line prefetcher pulls lines in
 * pairs, so two writers 64 bytes apart still contend (the choice of Agrona's
 * padding and of crossbeam's CachePadded on x86-64).
 */
export const CACHE_LINE_BYTES = 128;
