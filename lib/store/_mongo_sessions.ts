/**
 * Sessions on MongoDB, one document per token hash. MongoDB drops expired ones itself through a
 * TTL index; FerretDB 1.x has none, so there `create` sweeps them, at most once a minute per
 * process, so that a burst of logins costs one sweep. Reads check `expires_at` either way: a TTL
 * index removes a document up to a minute late.
 */
import type { Collection } from "mongodb";
import type { StoredSession } from "./store.ts";
import type { SessionDoc } from "./_mongo_collections.ts";
import { isLive } from "./_session_expiry.ts";

const SWEEP_INTERVAL_MS = 60_000;
const projection = { _id: 0, token_hash: 0, expires_at_date: 0 } as const;

/** The store's sessions in one collection. */
export class MongoSessions {
  #sessions: Collection<SessionDoc>;
  /** True where no TTL index removes expired sessions. */
  #sweeps: boolean;
  #nextSweepAt = 0;

  constructor(sessions: Collection<SessionDoc>, ttl: boolean) {
    this.#sessions = sessions;
    this.#sweeps = !ttl;
  }

  async create(tokenHash: string, session: StoredSession): Promise<void> {
    const doc = {
      ...session,
      token_hash: tokenHash,
      expires_at_date: new Date(session.expires_at),
    };
    await this.#sessions.replaceOne({ token_hash: tokenHash }, doc, {
      upsert: true,
    });
    await this.#sweepExpired();
  }

  async byTokenHash(tokenHash: string): Promise<StoredSession | null> {
    const doc = await this.#sessions.findOne({ token_hash: tokenHash }, {
      projection,
    });
    return doc && isLive(doc) ? doc : null;
  }

  async delete(tokenHash: string): Promise<StoredSession | null> {
    // Not findOneAndDelete: FerretDB 1.x hands one document to every concurrent caller (and has
    // no projection there). A delete by `_id` counts exactly, so exactly one deleter answers.
    const doc = await this.#sessions.findOne({ token_hash: tokenHash });
    if (!doc) return null;
    const { deletedCount } = await this.#sessions.deleteOne({ _id: doc._id });
    if (deletedCount !== 1) return null;
    const { id, user_id, created_at, expires_at } = doc;
    const session = { id, user_id, created_at, expires_at };
    return isLive(session) ? session : null;
  }

  async #sweepExpired(): Promise<void> {
    if (!this.#sweeps || Date.now() < this.#nextSweepAt) return;
    this.#nextSweepAt = Date.now() + SWEEP_INTERVAL_MS;
    await this.#sessions.deleteMany({ expires_at_date: { $lte: new Date() } });
  }
}
