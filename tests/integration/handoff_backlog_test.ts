/**
 * Bounded memory without dropping: while the store refuses writes, messages wait in the bus's
 * hand-off; once `HANDOFF_MAX_BACKLOG` of them wait, a send is answered `unavailable` (with
 * `retry_after_ms`) instead of growing the backlog, and once the store is back every waiting
 * message is written and the refused one can be sent again.
 */
import assert from "node:assert/strict";
import { newGroup, newUser } from "../helpers/api_client.ts";
import { integration } from "../helpers/fixture.ts";
import { GatewayClient } from "../helpers/gateway_client.ts";
import { waitFor } from "../helpers/history.ts";
import { startInProcess } from "../helpers/in_process.ts";
import type { Store } from "../../lib/store/store.ts";

/** The real store, with message writes refused while `down` holds (fault injection). */
function switchable(store: Store, down: () => boolean): Store {
  return new Proxy(store, {
    get(target, property) {
      // The projector writes message states with upsertStates.
      if (property === "upsertStates") {
        return (messages: Parameters<Store["upsertStates"]>[0]) =>
          down()
            ? Promise.reject(new Error("store down"))
            : target.upsertStates(messages);
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

Deno.test(
  "a send beyond the hand-off bound while the store is down answers unavailable, and nothing waiting is lost",
  integration,
  async () => {
    let storeDown = true;
    const bound = 5;
    const { server, store, url, wsUrl } = await startInProcess(undefined, {
      handoffMaxBacklog: bound,
      wrapStore: (real) => switchable(real, () => storeDown),
    });
    const alice = await newUser(url);
    const group = await newGroup(alice.api);
    const s = await GatewayClient.connect(wsUrl, { token: alice.token });
    try {
      s.send({ type: "subscribe", group_ids: [group.id] });
      await s.nextOf("subscribed");
      for (let i = 1; i <= bound; i++) {
        s.send({
          type: "message",
          group_id: group.id,
          text: `m${i}`,
          nonce: `n${i}`,
        });
        assert.equal((await s.nextOf("message")).message.seq, i);
      }
      s.send({
        type: "message",
        group_id: group.id,
        text: "one too many",
        nonce: "n6",
      });
      const refused = await s.nextOf("error");
      assert.equal(refused.code, "unavailable");
      assert.equal(refused.nonce, "n6");
      assert.ok(refused.retry_after_ms > 0, "tells when to try again");
      assert.equal(await store.headSeq(group.id), 0, "the store took nothing");

      storeDown = false;
      await waitFor(
        "the waiting messages to reach the store",
        async () => await store.headSeq(group.id) === bound,
      );
      s.send({
        type: "message",
        group_id: group.id,
        text: "one too many",
        nonce: "n6",
      });
      assert.equal((await s.nextOf("message")).message.seq, bound + 1);
      await waitFor(
        "the last message to reach the store",
        async () => await store.headSeq(group.id) === bound + 1,
      );
      assert.deepEqual(
        (await store.messagesInRange(group.id, 1, bound + 1)).map((m) =>
          m.text
        ),
        ["m1", "m2", "m3", "m4", "m5", "one too many"],
      );
    } finally {
      await s.close();
      await server.shutdown();
    }
  },
);
