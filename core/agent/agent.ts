/**
 * A unit of work a thread's runner calls over and over (Agrona's Agent):
 * doWork() does what is ready now, without blocking, and returns how much it
 * did (0 = nothing, which lets the runner idle). Agents that share a thread
 * are composed, never threaded among themselves.
 */
export interface Agent {
  readonly name: string;
  /** Does what is ready; returns the work done (frames, events), 0 when idle. */
  doWork(): number;
}

/** Runs its agents in order, one pass each per doWork(). */
export class CompositeAgent implements Agent {
  constructor(
    readonly name: string,
    private readonly agents: readonly Agent[],
  ) {}

  doWork(): number {
    let work = 0;
    for (let i = 0; i < this.agents.length; i++) work += this.agents[i].doWork();
    return work;
  }
}
