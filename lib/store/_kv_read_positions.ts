/**
 * Read positions on Deno KV, moved forward in batches: the `reads.advance` calls of one tick (the
 * projector moves one position per group and author of each batch, all at once) share one read
 * and one atomic commit instead of a read and a commit each. Each write still checks the
 * versionstamp it read, so a position never moves back, whoever else writes it.
 */
import { getManyEntries } from "./_kv_reads.ts";
import { retryWhileLocked } from "./_kv_retry.ts";
import { TickBatch } from "../tick_batch.ts";

/** Deno KV checks at most 100 keys per atomic operation. */
const keysPerCommit = 100;

interface Move {
  key: Deno.KvKey;
  seq: number;
}

export class KvReadPositions {
  #moves = new TickBatch<Move, number>((moves) => this.#apply(moves));

  constructor(private readonly kv: Deno.Kv) {}

  /** Moves the position under `key` to at least `seq`; answers the stored position. */
  advance(key: Deno.KvKey, seq: number): Promise<number> {
    return this.#moves.add({ key, seq });
  }

  /** Applies a tick's moves; answers the stored position of each. */
  async #apply(moves: Move[]): Promise<number[]> {
    // One target per key, the highest asked: every move of that key answers the stored result.
    const targets = new Map<string, Move>();
    for (const move of moves) {
      const id = JSON.stringify(move.key);
      const seen = targets.get(id);
      if (!seen || seen.seq < move.seq) targets.set(id, move);
    }
    const all = [...targets.values()];
    const stored = new Map<string, number>();
    for (let i = 0; i < all.length; i += keysPerCommit) {
      await this.#commit(all.slice(i, i + keysPerCommit), stored);
    }
    return moves.map((move) => stored.get(JSON.stringify(move.key))!);
  }

  /** Writes the targets ahead of what is stored; re-reads and retries on a conflict. */
  async #commit(chunk: Move[], stored: Map<string, number>): Promise<void> {
    for (;;) {
      const entries = await getManyEntries<number>(
        this.kv,
        chunk.map((t) => t.key),
      );
      const op = this.kv.atomic();
      let writes = 0;
      chunk.forEach((t, i) => {
        const current = entries[i].value;
        const id = JSON.stringify(t.key);
        if (current !== null && current >= t.seq) {
          stored.set(id, current);
          return;
        }
        op.check(entries[i]).set(t.key, t.seq);
        stored.set(id, t.seq);
        writes++;
      });
      if (writes === 0) return;
      if ((await retryWhileLocked(() => op.commit())).ok) return;
    }
  }
}
