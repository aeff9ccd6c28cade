// The one shared, bounded queue between producers and the consumer. `put` waits while the queue is full,
// which is how a producer that runs ahead of the consumer is made to wait (backpressure); the consumer
// iterates with `for await` until the queue is closed and drained.

export class BoundedQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly waitingPutters: Array<() => void> = [];
  private waitingTaker: (() => void) | undefined;
  private closed = false;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('queue capacity must be at least 1');
  }

  get size(): number {
    return this.items.length;
  }

  /** Adds an item, waiting first while the queue is full. */
  async put(item: T): Promise<void> {
    while (this.items.length >= this.capacity) {
      await new Promise<void>((resolve) => this.waitingPutters.push(resolve));
    }
    if (this.closed) throw new Error('put on a closed queue');
    this.items.push(item);
    this.wakeTaker();
  }

  /** No more puts; the consumer drains what is left and stops. */
  close(): void {
    this.closed = true;
    this.wakeTaker();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.items.length > 0) {
        const item = this.items.shift() as T;
        this.waitingPutters.shift()?.();
        yield item;
      } else if (this.closed) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.waitingTaker = resolve));
      }
    }
  }

  private wakeTaker(): void {
    const wake = this.waitingTaker;
    this.waitingTaker = undefined;
    wake?.();
  }
}
