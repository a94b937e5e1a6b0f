/**
 * A growable ring of (action, clientId) pairs, FIFO with push to either end:
 * what the gateway still has to send. Typed arrays, so queueing allocates
 * nothing once the ring has grown to the load it sees.
 */
export class ActionQueue {
  private action: Int32Array;
  private client: Float64Array;
  private head = 0;
  private count = 0;

  constructor(capacity = 256) {
    this.action = new Int32Array(capacity);
    this.client = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(action: number, clientId: number): void {
    this.grow();
    const i = (this.head + this.count) % this.action.length;
    this.action[i] = action;
    this.client[i] = clientId;
    this.count++;
  }

  unshift(action: number, clientId: number): void {
    this.grow();
    this.head = (this.head - 1 + this.action.length) % this.action.length;
    this.action[this.head] = action;
    this.client[this.head] = clientId;
    this.count++;
  }

  peekAction(): number {
    return this.action[this.head];
  }

  peekClient(): number {
    return this.client[this.head];
  }

  shift(): void {
    this.head = (this.head + 1) % this.action.length;
    this.count--;
  }

  clear(): void {
    this.head = this.count = 0;
  }

  private grow(): void {
    const n = this.action.length;
    if (this.count < n) return;
    const a = new Int32Array(n * 2);
    const c = new Float64Array(n * 2);
    for (let k = 0; k < this.count; k++) {
      a[k] = this.action[(this.head + k) % n];
      c[k] = this.client[(this.head + k) % n];
    }
    this.action = a;
    this.client = c;
    this.head = 0;
  }
}
