import assert from "node:assert/strict";
import {
  notificationFor,
  type NotificationPort,
  type NotificationText,
  Notifier,
  type NotifyPermission,
} from "../../lib/ui/notifier.ts";
import { alice, group, msg } from "./fakes.ts";

const room = group("g1", { name: "Room" });
const dm = group("d1", { kind: "dm", name: "alice, bob" });
const me = { meId: alice.id, myName: alice.username };

/** A NotificationPort that records what the page would have shown. */
function fakePort(initial: NotifyPermission = "default") {
  const state = { permission: initial, asked: 0 };
  const shown: { text: NotificationText; click(): void }[] = [];
  const port: NotificationPort = {
    permission: () => state.permission,
    requestPermission() {
      state.asked++;
      state.permission = "granted";
      return Promise.resolve(state.permission);
    },
    show: (text, click) => void shown.push({ text, click }),
  };
  return { port, state, shown };
}

Deno.test("a DM message in a hidden tab notifies with the sender as title", () => {
  const n = notificationFor(msg("d1", 1, { text: "hi" }), {
    ...me,
    group: dm,
    hidden: true,
  });
  assert.deepEqual(n, { title: "bob", body: "hi", tag: "salvioris:d1" });
});

Deno.test("a group message notifies only when it mentions the reader", () => {
  const ctx = { ...me, group: room, hidden: true };
  assert.equal(notificationFor(msg("g1", 1), ctx), null);
  const n = notificationFor(msg("g1", 2, { mentions: [alice.id] }), ctx);
  assert.equal(n?.title, "bob in Room");
});

Deno.test("nothing notifies in a visible tab, in a muted group, or for the reader's own message", () => {
  const m = msg("d1", 1);
  assert.equal(notificationFor(m, { ...me, group: dm, hidden: false }), null);
  assert.equal(
    notificationFor(m, {
      ...me,
      group: { ...dm, muted: true },
      hidden: true,
    }),
    null,
  );
  assert.equal(
    notificationFor(msg("d1", 2, { author: alice }), {
      ...me,
      group: dm,
      hidden: true,
    }),
    null,
  );
});

Deno.test("long texts are cut for the notification body", () => {
  const n = notificationFor(msg("d1", 1, { text: "x".repeat(500) }), {
    ...me,
    group: dm,
    hidden: true,
  });
  assert.equal(n?.body.length, 140);
  assert.ok(n?.body.endsWith("…"));
});

Deno.test("the Notifier never asks for permission by itself, and shows nothing until granted", async () => {
  const { port, state, shown } = fakePort();
  const notifier = new Notifier({
    port,
    hidden: () => true,
    focus: () => {},
  });
  assert.equal(notifier.noteMessage(msg("d1", 1), { ...me, group: dm }), false);
  assert.equal(state.asked, 0);
  assert.equal(shown.length, 0);
  assert.equal(await notifier.enable(), "granted");
  assert.equal(state.asked, 1);
  assert.equal(notifier.permission.value, "granted");
});

Deno.test("clicking a notification focuses its group on its message", () => {
  const { port, shown } = fakePort("granted");
  const focused: string[] = [];
  const notifier = new Notifier({
    port,
    hidden: () => true,
    focus: (groupId, seq) => focused.push(`${groupId}#${seq}`),
  });
  assert.equal(notifier.noteMessage(msg("d1", 7), { ...me, group: dm }), true);
  shown[0].click();
  assert.deepEqual(focused, ["d1#7"]);
});
