/**
 * The in-flight byte budget: bytes of every record read and not yet passed by its partition's commit
 * point. A delivery is taken while the budget has room (so the total stays below the budget plus one
 * delivery); otherwise it waits, in arrival order, until commits release enough. Waiters are woken by a
 * callback run synchronously inside `release`, so a woken delivery reserves its bytes before any other.
 */
export class ByteBudget {
  readonly limit: number;
  #used = 0;
  readonly #waiters: Array<() => void> = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  get used(): number {
    return this.#used;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** True when a delivery may be taken now (nobody is waiting ahead of it and there is room). */
  hasRoom(): boolean {
    return this.#waiters.length === 0 && this.#used < this.limit;
  }

  reserve(bytes: number): void {
    this.#used += bytes;
  }

  release(bytes: number): void {
    if (bytes === 0) return;
    this.#used -= bytes;
    while (this.#waiters.length > 0 && this.#used < this.limit) (this.#waiters.shift() as () => void)();
  }

  /** Runs `take` (which must reserve) as soon as there is room, after the deliveries already waiting. */
  whenRoom(take: () => void): void {
    this.#waiters.push(take);
  }

  /** Wakes every waiter regardless of room: for shutdown, where their deliveries are refused anyway. */
  releaseWaiters(): void {
    while (this.#waiters.length > 0) (this.#waiters.shift() as () => void)();
  }
}
