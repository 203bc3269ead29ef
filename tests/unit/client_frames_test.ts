import assert from "node:assert/strict";
import { parseClientFrame } from "../../lib/protocol/client_frames.ts";

Deno.test("parseClientFrame accepts every frame type of the protocol", () => {
  for (
    const frame of [
      { type: "identify", token: "t" },
      { type: "subscribe", group_ids: ["g"], since: { g: 3 } },
      { type: "unsubscribe", group_ids: ["g"] },
      { type: "message", group_id: "g", text: "hi", nonce: "n" },
      { type: "typing_start", group_id: "g" },
      { type: "typing_stop", group_id: "g" },
      { type: "read", group_id: "g", seq: 0 },
      { type: "ping", ref: "r" },
    ]
  ) {
    assert.equal(parseClientFrame(JSON.stringify(frame)).ok, true, frame.type);
  }
});

Deno.test("parseClientFrame trims message text and refuses what is out of bounds", () => {
  const ok = parseClientFrame(
    JSON.stringify({ type: "message", group_id: "g", text: "  hi  " }),
  );
  assert.ok(ok.ok && ok.frame.type === "message" && ok.frame.text === "hi");
  for (
    const bad of [
      { type: "message", group_id: "g", text: " \n " },
      { type: "message", group_id: "g", text: "x".repeat(4001) },
      { type: "subscribe", group_ids: [] },
      { type: "read", group_id: "g", seq: -1 },
      { type: "read", group_id: "g", seq: 1.5 },
      { type: "ping", ref: "r".repeat(65) },
    ]
  ) {
    assert.equal(
      parseClientFrame(JSON.stringify(bad)).ok,
      false,
      JSON.stringify(bad).slice(0, 60),
    );
  }
});

Deno.test("parseClientFrame says why, and keeps a readable ref for the error", () => {
  const notJson = parseClientFrame("{");
  assert.ok(!notJson.ok && notJson.message === "Cannot parse frame: not JSON");
  const unknown = parseClientFrame('{"type":"dance","ref":"r1"}');
  assert.ok(
    !unknown.ok && unknown.ref === "r1" &&
      /Unknown frame type/.test(unknown.message),
  );
  const missing = parseClientFrame('{"ref":"r2"}');
  assert.ok(
    !missing.ok && missing.message === "Cannot parse frame: type is missing",
  );
});

Deno.test("parseClientFrame refuses ids that cannot be ours before any store access", () => {
  for (
    const bad of [
      { type: "subscribe", group_ids: ["x".repeat(65)] },
      { type: "subscribe", group_ids: ["a\uD800"] },
      { type: "message", group_id: "a/b", text: "hi" },
      { type: "read", group_id: "", seq: 1 },
      {
        type: "subscribe",
        group_ids: ["g"],
        since: Object.fromEntries(
          Array.from({ length: 101 }, (_, i) => [`g${i}`, 0]),
        ),
      },
    ]
  ) {
    assert.equal(parseClientFrame(JSON.stringify(bad)).ok, false);
  }
});
