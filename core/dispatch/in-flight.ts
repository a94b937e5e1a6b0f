/**
 * How many frames can be in flight between an order source and a worker,
 * derived once, here, from the ring size: the ledger's window, the fill
 * queue and the collector's drain limit all follow from it.
 *
 * On one link (source -> worker ring, worker -> source ring of `ringSlots`
 * each) an order is in flight while it sits in the in-ring or its decision in
 * the out-ring: at most 2 * ringSlots orders. Every one of them may be
 * accepted and turn into a fill waiting for room in the in-ring, so the fill
 * queue holds 2 * ringSlots + 2 (the 2: a decision drained while the queue
 * holds the fills of a full in-ring and a full out-ring). The collector drains
 * no more decisions than the fill queue has room for, so a full in-ring can
 * never deadlock against a full out-ring.
 */

/** Most orders of one source in flight on one link. */
export function ordersInFlightPerLink(ringSlots: number): number {
  return 2 * ringSlots;
}

function pow2AtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** Slots in a link's fill queue (a power of two). */
export function fillQueueSlots(ringSlots: number): number {
  return pow2AtLeast(ordersInFlightPerLink(ringSlots) + 2);
}

/**
 * The exactly-once ledger's window (a power of two): twice the orders one
 * source can have in flight over all its links, so that a sequence number is
 * reused only long after its order was decided; at least 2^16.
 */
export function ledgerWindow(ringSlots: number, links: number): number {
  return pow2AtLeast(Math.max(1 << 16, 2 * links * ordersInFlightPerLink(ringSlots)));
}
