import assert from "node:assert/strict";
import { ChatModel } from "../../lib/ui/chat_model.ts";
import { alice, bob, FakeClock, group, ready } from "./fakes.ts";

function setup() {
  const model = new ChatModel({ clock: new FakeClock() });
  model.applyFrame(ready(alice, [group("g1")]));
  return { model };
}

Deno.test("presence with idle marks an online member away, and active or offline clears it", () => {
  const { model } = setup();
  const presence = (status: "online" | "offline", idle?: boolean) =>
    model.applyFrame({ type: "presence", user_id: bob.id, status, idle });
  presence("online", true);
  assert.equal(model.people.idle.value.get(bob.id), true);
  presence("online", false);
  assert.equal(model.people.idle.value.get(bob.id), false);
  presence("online", true);
  presence("offline");
  assert.equal(model.people.idle.value.get(bob.id), false);
  assert.equal(model.people.presence.value.get(bob.id), false);
});
