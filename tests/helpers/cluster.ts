/**
 * Several real instances (`main.ts` processes) as one service: one private redis-server, one
 * shared store (a Deno KV file, or the MongoDB database `mongodbUri` names), each instance on its
 * own port. Everything started here is stopped in a
 * `finally`, pass or fail, and a failing test prints the tail of every instance's output.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { KvStore } from "../../lib/store/kv_store.ts";
import { MongoStore } from "../../lib/store/mongo_store.ts";
import type { Store } from "../../lib/store/store.ts";
import type { Message } from "../../lib/protocol/types.ts";
import type { Frame } from "./gateway_client.ts";
import { waitFor } from "./history.ts";
import { type RedisServer, startRedis } from "./redis_server.ts";
import {
  type ServerProcess,
  startServerProcess,
  tempKvPath,
} from "./server_process.ts";

/** A running cluster. */
export interface Cluster {
  redis: RedisServer;
  /** The instances, named `n1`, `n2`, … (their `INSTANCE_ID`). */
  servers: ServerProcess[];
  /** The KV file every instance shares (unused when the store is MongoDB). */
  kvPath: string;
  /** Where the history of record is: `mongodbUri` when given, else `kvPath`. */
  storeAt: string;
}

export interface ClusterOptions {
  /** How many instances (default 3). */
  size?: number;
  /** Extra environment for every instance. */
  env?: Record<string, string>;
  /** Start Redis with an fsynced append-only file, so its data survives a restart. */
  persistRedis?: boolean;
  /** Every instance's `MONGODB_URI` (naming the database): the store instead of the KV file. */
  mongodbUri?: string;
}

/** Runs `fn` with a fresh cluster and stops every process it started afterwards. */
export async function withCluster(
  options: ClusterOptions,
  fn: (cluster: Cluster) => Promise<void>,
): Promise<void> {
  const redis = await startRedis({ persist: options.persistRedis });
  const kvPath = await tempKvPath();
  const servers: ServerProcess[] = [];
  try {
    const started = await Promise.allSettled(
      Array.from({ length: options.size ?? 3 }, (_, i) =>
        startServerProcess({
          KV_PATH: kvPath,
          REDIS_URL: redis.url,
          INSTANCE_ID: `n${i + 1}`,
          ...(options.mongodbUri ? { MONGODB_URI: options.mongodbUri } : {}),
          ...options.env,
        })),
    );
    for (const result of started) {
      if (result.status === "fulfilled") servers.push(result.value);
    }
    const failed = started.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const storeAt = options.mongodbUri ?? kvPath;
    await fn({ redis, servers, kvPath, storeAt });
  } catch (err) {
    servers.forEach((server, i) =>
      console.error(`--- n${i + 1} output ---\n${server.output().slice(-3000)}`)
    );
    throw err;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await redis.kill();
    await Deno.remove(dirname(kvPath), { recursive: true }).catch(() => {});
  }
}

/** Opens the store at `storeAt`: a `mongodb://` URI naming its database, or a KV file path. */
async function openStore(storeAt: string): Promise<Store> {
  return /^mongodb(\+srv)?:\/\//.test(storeAt)
    ? await MongoStore.open(storeAt)
    : await KvStore.open(storeAt);
}

/**
 * The messages of a group held by the shared store itself (the history of record); `storeAt` is
 * the KV file or the MongoDB URI (`Cluster.storeAt`).
 */
export async function storedMessages(
  storeAt: string,
  groupId: string,
): Promise<Message[]> {
  const store = await openStore(storeAt);
  try {
    return await store.messagesInRange(
      groupId,
      1,
      await store.headSeq(groupId),
    );
  } finally {
    await store.close();
  }
}

/** `/readyz` of an instance: its status and body. */
export async function readiness(
  server: ServerProcess,
): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${server.url}/readyz`);
  return { status: res.status, body: await res.json() };
}

/**
 * Asserts that `history` (read over HTTP) is seq 1..N with no duplicate id, holds every message in
 * `echoed` (id → message anyone received) as it was received, and that the shared store itself
 * comes to hold exactly the same N messages.
 */
export async function assertExactlyOnce(
  history: Frame[],
  echoed: Map<string, Frame>,
  storeAt: string,
  groupId: string,
): Promise<void> {
  const head = history.length;
  assert.deepEqual(
    history.map((m) => m.seq),
    Array.from({ length: head }, (_, i) => i + 1),
    "seq 1..N",
  );
  const ids = new Set(history.map((m) => m.id));
  assert.equal(ids.size, head, "no duplicate id");
  for (const [id, message] of echoed) {
    assert.ok(ids.has(id), `echoed ${message.text} (seq ${message.seq}) kept`);
    assert.deepEqual(history[message.seq - 1], message);
  }
  const stored = await waitFor(
    `the store to hold seq 1..${head}`,
    async () => {
      const messages = await storedMessages(storeAt, groupId);
      return messages.length === head ? messages : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  assert.deepEqual(stored, history, "the history of record is the same");
}
