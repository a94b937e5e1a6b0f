/**
 * Account balances (GET /api/v3/account): free and locked per asset. An
 * order reserves what it may spend when accepted (quote for a BUY, base for a
 * SELL), each fill spends from that reservation and credits the other asset
 * less commission, and whatever is left is released when the order ends. An
 * order whose reservation exceeds the free balance is refused with
 * "Account has insufficient balance for requested action.".
 */
export interface Balance {
  free: number;
  locked: number;
}

export class Accounts {
  private readonly balances = new Map<string, Map<string, Balance>>();
  private readonly updated = new Map<string, number>();

  /** `startingFree` gives an unseen account its opening balance of each asset. */
  constructor(private readonly startingFree: (asset: string) => number) {}

  balance(account: string, asset: string): Balance {
    let assets = this.balances.get(account);
    if (!assets) {
      assets = new Map();
      this.balances.set(account, assets);
    }
    let b = assets.get(asset);
    if (!b) {
      b = { free: this.startingFree(asset), locked: 0 };
      assets.set(asset, b);
    }
    return b;
  }

  /** Moves `amount` of `asset` from free to locked; false (and nothing moved) if free is short. */
  reserve(account: string, asset: string, amount: number, now: number): boolean {
    const b = this.balance(account, asset);
    if (amount > b.free + 1e-9) return false;
    b.free -= amount;
    b.locked += amount;
    this.updated.set(account, now);
    return true;
  }

  /** Spends `amount` from locked `spent` and credits `gained` free `received`. */
  settle(account: string, spent: string, amount: number, received: string, gained: number, now: number): void {
    this.balance(account, spent).locked -= amount;
    this.balance(account, received).free += gained;
    this.updated.set(account, now);
  }

  /** Returns what is still locked for an order that ended. */
  release(account: string, asset: string, amount: number, now: number): void {
    const b = this.balance(account, asset);
    b.locked -= amount;
    b.free += amount;
    this.updated.set(account, now);
  }

  updateTime(account: string): number {
    return this.updated.get(account) ?? 0;
  }

  assets(account: string, known: readonly string[]): [string, Balance][] {
    return known.map((a) => [a, this.balance(account, a)]);
  }
}
