import assert from "node:assert/strict";
import { SocketAdmission } from "../../gateway/admission.ts";
import type { Connection } from "../../gateway/connection.ts";

const limits = {
  maxSockets: 6,
  maxPerAddress: 4,
  maxUnidentified: 3,
  maxUnidentifiedPerAddress: 2,
};

/** A stand-in socket: admission only reads whether it has identified. */
function socket(): Connection {
  return { caller: null } as unknown as Connection;
}

function identify(connection: Connection): void {
  (connection as { caller: unknown }).caller = { user: { id: "u" } };
}

Deno.test("SocketAdmission caps anonymous sockets per address, then in total", () => {
  const admission = new SocketAdmission(limits);
  const anonymous = { anonymous: true };
  for (const address of ["a", "a"]) {
    assert.equal(admission.refusal(address, anonymous), null);
    admission.opened(socket(), address, anonymous);
  }
  assert.equal(admission.refusal("a", anonymous)?.status, 429);
  assert.equal(
    admission.refusal("a", { anonymous: false }),
    null,
    "a cookie still gets in",
  );
  admission.opened(socket(), "b", anonymous);
  const full = admission.refusal("c", anonymous);
  assert.equal(full?.status, 503);
  assert.equal(full?.error.code, "unavailable");
  assert.ok(full!.error.details.retry_after_ms! > 0);
});

Deno.test("SocketAdmission: an identified socket no longer counts as unidentified", () => {
  const admission = new SocketAdmission(limits);
  const [first, second] = [socket(), socket()];
  admission.opened(first, "a", { anonymous: true });
  admission.opened(second, "a", { anonymous: true });
  assert.equal(admission.refusal("a", { anonymous: true })?.status, 429);
  identify(first);
  assert.equal(admission.refusal("a", { anonymous: true }), null);
  assert.deepEqual(admission.counts, { open: 2, unidentified: 1 });
});

Deno.test("SocketAdmission caps all sockets per address and in total; a close frees a place", () => {
  const admission = new SocketAdmission(limits);
  const open = Array.from({ length: 4 }, socket);
  for (const s of open) admission.opened(s, "a", { anonymous: false });
  const perAddress = admission.refusal("a", { anonymous: false });
  assert.equal(perAddress?.status, 429);
  assert.equal(perAddress?.error.code, "rate_limited");
  admission.opened(socket(), "b", { anonymous: false });
  admission.opened(socket(), "b", { anonymous: false });
  assert.equal(admission.refusal("c", { anonymous: false })?.status, 503);
  admission.closed(open[0]);
  admission.closed(open[0]); // twice is harmless
  assert.equal(admission.refusal("a", { anonymous: false }), null);
  assert.deepEqual(admission.counts, { open: 5, unidentified: 0 });
});
