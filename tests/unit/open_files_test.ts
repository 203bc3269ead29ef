import assert from "node:assert/strict";
import {
  openFileLimit,
  parseOpenFileLimit,
  socketDescriptors,
} from "../../lib/open_files.ts";
import {
  defaultSocketLimits,
  fitSocketLimits,
} from "../../gateway/admission.ts";

const limits =
  `Limit                     Soft Limit           Hard Limit           Units
Max processes             unlimited            unlimited            processes
Max open files            20000                40000                files
Max locked memory         8388608              8388608              bytes
`;

Deno.test("parseOpenFileLimit() reads the soft open-file limit", () => {
  assert.equal(parseOpenFileLimit(limits), 20000);
  assert.equal(
    parseOpenFileLimit(limits.replace(/20000 /, "unlimited ")),
    null,
  );
  assert.equal(parseOpenFileLimit(""), null);
});

Deno.test("openFileLimit() answers this process's limit on Linux", () => {
  const limit = openFileLimit();
  if (Deno.build.os === "linux") assert.ok(limit !== null && limit > 0);
});

Deno.test("socketDescriptors() keeps a tenth, at least 128, for everything else", () => {
  assert.equal(socketDescriptors(20_000), 18_000);
  assert.equal(socketDescriptors(1024), 896);
  assert.equal(socketDescriptors(100), 0);
});

Deno.test("fitSocketLimits() lowers only the total cap, and only when it is above", () => {
  assert.deepEqual(fitSocketLimits(defaultSocketLimits, 18_000), {
    ...defaultSocketLimits,
    maxSockets: 18_000,
  });
  assert.equal(
    fitSocketLimits(defaultSocketLimits, 60_000),
    defaultSocketLimits,
  );
  assert.equal(fitSocketLimits(defaultSocketLimits, null), defaultSocketLimits);
});
