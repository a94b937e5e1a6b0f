/**
 * The network between the gateway and the venue: per-message delay and loss
 * for each direction under a profile that can be switched at any time, plus
 * scheduled outages (connections refused and dropped) and degraded windows
 * (the venue answers order requests with 5xx / -1007). Seeded: a run replays.
 *
 * The two directions have their own random streams and their own AR(1) and
 * burst state (sim/network/direction.ts), shared by every connection: they
 * model the one path to the venue. Order on a connection is the transport's
 * job (InOrderLane). Outage starts are announced through `onDown` on the
 * model's Scheduler, so a transport drops its open connections at that
 * moment rather than at its next message.
 */
import type { Scheduler } from '../../core/clock/scheduler.js';
import { Prng } from '../../core/random/prng.js';
import type { MessageFate, NetworkConditions } from './conditions.js';
import { DirectionProcess } from './direction.js';
import { networkOptionsSchema, type NetworkOptionsInput } from './options.js';
import { PROFILES, profileByName, type NetworkProfile } from './profiles.js';
import { TimeWindows } from './time-windows.js';

/** Makes the venue->client stream differ from the client->venue one under the same seed. */
const CLIENT_STREAM_SALT = 0x5bd1e995;

export class NetworkModel implements NetworkConditions {
  private current: NetworkProfile;
  private readonly venueward: DirectionProcess;
  private readonly clientward: DirectionProcess;
  private readonly outages = new TimeWindows();
  private readonly degradedWindows = new TimeWindows();
  private readonly downListeners = new Set<() => void>();

  constructor(
    private readonly scheduler: Scheduler,
    options: NetworkOptionsInput = {},
  ) {
    const o = networkOptionsSchema.parse(options);
    this.current = PROFILES[o.profile];
    this.venueward = new DirectionProcess(new Prng(o.seed), o.ar1);
    this.clientward = new DirectionProcess(new Prng(o.seed ^ CLIENT_STREAM_SALT), o.ar1);
  }

  get profile(): NetworkProfile {
    return this.current;
  }

  /** Switches profile for every message from now on; a burst in force ends (it belonged to the old conditions). */
  setProfile(name: string): void {
    this.current = profileByName(name);
    this.venueward.endBurst();
    this.clientward.endBurst();
  }

  toVenue(nowMs: number): MessageFate {
    return this.venueward.next(nowMs, this.current);
  }

  toClient(nowMs: number): MessageFate {
    return this.clientward.next(nowMs, this.current);
  }

  down(nowMs: number): boolean {
    return this.outages.contains(nowMs);
  }

  degraded(nowMs: number): boolean {
    return this.degradedWindows.contains(nowMs);
  }

  /** Venue unreachable during [startMs, startMs + durationMs): `onDown` listeners run at startMs. */
  scheduleOutage(startMs: number, durationMs: number): void {
    this.outages.add(startMs, durationMs);
    this.scheduler.after(startMs - this.scheduler.nowMs(), () => {
      // A window already over when scheduled (a start in the past) drops nothing.
      if (this.scheduler.nowMs() >= startMs + durationMs) return;
      // Copied: a listener typically unsubscribes (its connection closes) while we iterate.
      for (const fn of [...this.downListeners]) fn();
    });
  }

  /** Venue answers order requests with 5xx / -1007 during [startMs, startMs + durationMs). */
  scheduleDegraded(startMs: number, durationMs: number): void {
    this.degradedWindows.add(startMs, durationMs);
  }

  /** Calls `fn` at the start of every scheduled outage (on the model's Scheduler); returns the unsubscribe. */
  onDown(fn: () => void): () => void {
    this.downListeners.add(fn);
    return () => this.downListeners.delete(fn);
  }

  /** The scheduled outages as merged [start, end) pairs, for reports. */
  outageWindows(): [number, number][] {
    return this.outages.list();
  }
}
