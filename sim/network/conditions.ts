/**
 * What a transport asks the network about each message (the contract between
 * the network model, the exchange simulator's transports and the in-memory
 * link). Times are the Scheduler's milliseconds.
 */
export interface MessageFate {
  /** One-way delay drawn for this message, never negative; a transport keeps order on top of it (InOrderLane). */
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

const INSTANT: MessageFate = Object.freeze({ delayMs: 0, lost: false });

/** No delay, no loss, never down or degraded: the simulator's default before a model is chosen. */
export const PERFECT_NETWORK: NetworkConditions = Object.freeze({
  toVenue: (): MessageFate => INSTANT,
  toClient: (): MessageFate => INSTANT,
  down: (): boolean => false,
  degraded: (): boolean => false,
});
