/**
 * §6 tests on three real instances: a suite registered twice, on one KV file and on MongoDB
 * (FerretDB), both behind one private Redis.
 */
import { MongoClient } from "mongodb";
import { type Cluster, withCluster } from "./cluster.ts";
import { mongoIgnore, sharedMongo, testDbName } from "./ferretdb_server.ts";
import { integration } from "./fixture.ts";
import { GatewayClient } from "./gateway_client.ts";
import { redisIgnore } from "./redis_server.ts";

/** A suite's body: the cluster, and `open` to make sockets closed at the end. */
export type ClusterSuite = (
  t: Deno.TestContext,
  cluster: Cluster,
  open: (wsUrl: string, token: string, groupIds: string[]) => Promise<
    GatewayClient
  >,
) => Promise<void>;

/** Registers `suite` as "three instances on <store> <title>", once per store. */
export function onEveryStore(title: string, suite: ClusterSuite): void {
  Deno.test({
    ...integration,
    name: `three instances on one KV file ${title}`,
    ignore: redisIgnore,
    fn: (t) => run(t, suite, undefined),
  });
  Deno.test({
    ...integration,
    name: `three instances on MongoDB (FerretDB) ${title}`,
    ignore: redisIgnore || mongoIgnore,
    fn: async (t) => {
      const mongo = await sharedMongo();
      const dbName = testDbName();
      try {
        await run(t, suite, mongo.uriOf(dbName));
      } finally {
        const client = new MongoClient(mongo.uri);
        await client.db(dbName).dropDatabase().catch(() => {});
        await client.close();
      }
    },
  });
}

async function run(
  t: Deno.TestContext,
  suite: ClusterSuite,
  mongodbUri: string | undefined,
) {
  await withCluster({ mongodbUri }, async (cluster) => {
    const opened: GatewayClient[] = [];
    try {
      await suite(t, cluster, async (wsUrl, token, groupIds) => {
        const socket = await GatewayClient.connect(wsUrl, { token });
        opened.push(socket);
        if (groupIds.length > 0) {
          socket.send({ type: "subscribe", group_ids: groupIds });
          await socket.nextOf("subscribed");
        }
        return socket;
      });
    } finally {
      await Promise.all(opened.map((s) => s.close()));
    }
  });
}
