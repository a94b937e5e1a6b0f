/**
 * The summary's check of the gateway's view against the venue's own record
 * (e.g. the simulator's ordersByClientId): none lost, none twice.
 *
 *   twice             a clientOrderId the venue holds more than once: an order placed twice
 *   missingAtVenue    the gateway saw the venue acknowledge it, yet the venue has no such order
 *   unknownToGateway  an order of ours (our prefix) at the venue that the gateway does not
 *                     hold as placed (never sent, or refused as never seen): a lost order
 *   stateMismatch     final at both ends, but different final states
 *   unsettled         final at the venue, still open or UNKNOWN at the gateway (or the reverse)
 *   fillMismatch      filled quantity differs
 * `ok` when every list is empty.
 */
import { ORDER_STATE_NAMES, OrderState, isFinal } from './order-state.js';
import type { ReconciledOrder } from './settled-orders.js';

export interface VenueOrderView {
  clientOrderId: string;
  /** The venue's order status: NEW, PARTIALLY_FILLED, FILLED, CANCELED, REJECTED, EXPIRED, EXPIRED_IN_MATCH. */
  status: string;
  executedQty: number;
}

export interface ReconcileReport {
  /** Orders the gateway sent at least once. */
  gatewayOrders: number;
  venueOrders: number;
  matched: number;
  twice: string[];
  missingAtVenue: string[];
  unknownToGateway: string[];
  stateMismatch: string[];
  unsettled: string[];
  fillMismatch: string[];
  ok: boolean;
}

const FINAL_AT_VENUE: Record<string, OrderState> = {
  FILLED: OrderState.FILLED,
  CANCELED: OrderState.CANCELED,
  REJECTED: OrderState.REJECTED,
  EXPIRED: OrderState.EXPIRED,
  EXPIRED_IN_MATCH: OrderState.EXPIRED,
};

export function reconcileReport(records: Iterable<ReconciledOrder>, venue: readonly VenueOrderView[], clientIdPrefix: string, qtyEps = 1e-9): ReconcileReport {
  const r: ReconcileReport = {
    gatewayOrders: 0,
    venueOrders: 0,
    matched: 0,
    twice: [],
    missingAtVenue: [],
    unknownToGateway: [],
    stateMismatch: [],
    unsettled: [],
    fillMismatch: [],
    ok: false,
  };
  const atVenue = new Map<string, VenueOrderView>();
  for (const v of venue) {
    if (!v.clientOrderId.startsWith(clientIdPrefix)) continue;
    r.venueOrders++;
    if (atVenue.has(v.clientOrderId)) r.twice.push(v.clientOrderId);
    else atVenue.set(v.clientOrderId, v);
  }
  const placed = new Set<string>();
  for (const rec of records) {
    if (rec.sends === 0) continue;
    r.gatewayOrders++;
    const id = clientIdPrefix + rec.clientId;
    const v = atVenue.get(id);
    if (v === undefined) {
      if (rec.known) r.missingAtVenue.push(id);
      continue;
    }
    if (!rec.known && isFinal(rec.state)) continue; // refused as never seen, yet there: unknownToGateway below
    placed.add(id);
    r.matched++;
    const venueFinal = FINAL_AT_VENUE[v.status];
    const gwFinal = isFinal(rec.state);
    if (venueFinal !== undefined && gwFinal) {
      if (venueFinal !== rec.state) r.stateMismatch.push(`${id} gateway ${ORDER_STATE_NAMES[rec.state]} venue ${v.status}`);
    } else if (venueFinal !== undefined || gwFinal) {
      r.unsettled.push(`${id} gateway ${ORDER_STATE_NAMES[rec.state]} venue ${v.status}`);
    }
    if (Math.abs(rec.cumQty - v.executedQty) > qtyEps) r.fillMismatch.push(`${id} gateway ${rec.cumQty} venue ${v.executedQty}`);
  }
  for (const id of atVenue.keys()) if (!placed.has(id)) r.unknownToGateway.push(id);
  r.ok = r.twice.length + r.missingAtVenue.length + r.unknownToGateway.length + r.stateMismatch.length + r.unsettled.length + r.fillMismatch.length === 0;
  return r;
}
