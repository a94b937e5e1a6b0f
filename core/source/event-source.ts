/**
 * What a GeneratorPump pumps: the next event decided into fields by
 * prepare(), then written into a ring slot by write(). The built-in
 * OrderGenerator is one; EventReplay (event-replay.ts), which replays the
 * generator's events prepared before the run, is the other. A source thread
 * only ever builds one kind (--source-mode), so the pump's call sites stay
 * monomorphic on that thread.
 */
export interface EventSource {
  /** The sources' common start (ns on the clock the source reads); a scripted path's time origin. */
  begin(startNs: number): void;
  /** Decides the next event. */
  prepare(): void;
  /** FrameKind of the prepared event (MarketTick or NewOrder). */
  readonly kind: number;
  /** Engine symbol id of the prepared event. */
  readonly symbol: number;
  /** True when the prepared order must go right after the previous one (a duplicate of it), whatever the pace. */
  readonly forced: boolean;
  /** Writes the prepared event into the frame at int32 index `base`, all but its time field, which the caller stamps. */
  write(i32: Int32Array, f64: Float64Array, base: number, seq: number): void;
  /** The market's mid per symbol as this source sees it (the stand-in exchange fills at it). */
  readonly mids: Float64Array;
}

/** --source-mode: run the generator for every event, or replay the events it prepared before the run. */
export const SOURCE_MODES = ['generate', 'replay'] as const;
export type SourceMode = (typeof SOURCE_MODES)[number];
