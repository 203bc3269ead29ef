/**
 * Gathers the calls made in one tick into one batch: the projector asks the embedded bus and
 * store about every group of a batch at once, and on Deno KV each read or commit has a fixed cost
 * (a hop to the SQLite thread and a transaction) far above its per-key cost. The batch runs once
 * the calls already queued have been made (a microtask later); each caller gets its own result.
 */
export class TickBatch<In, Out> {
  #queued: Array<{
    item: In;
    resolve(out: Out): void;
    reject(err: unknown): void;
  }> = [];

  /** `run` answers one result per item, in order. */
  constructor(private readonly run: (items: In[]) => Promise<Out[]>) {}

  /** Adds `item` to this tick's batch; answers its result once the batch has run. */
  add(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      if (this.#queued.length === 0) queueMicrotask(() => void this.#flush());
      this.#queued.push({ item, resolve, reject });
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#queued;
    this.#queued = [];
    try {
      const results = await this.run(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}
