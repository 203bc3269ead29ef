/**
 * Runs tasks one after another per key, and tasks of different keys side by side. The embedded
 * bus appends a group's messages through one lane: its check-and-set of the seq counter then
 * succeeds the first time instead of racing every concurrent append of the group (which would
 * cost O(n²) refused commits in a burst), and publication follows seq order.
 */
export class SerialLanes {
  #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every task queued before it under `key`; answers its result. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    const result = before.then(task);
    const tail = result.then(() => {}, () => {});
    this.#tails.set(key, tail);
    // The map holds only lanes with work queued: the last task of a lane removes it.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
