/**
 * The file-storage port's contract suite: every rule of `lib/files/files.ts`, run against any
 * adapter. Each case gets a fresh storage from the factory and cleans it up, pass or fail.
 */
import assert from "node:assert/strict";
import type { FileStorage } from "../../lib/files/files.ts";
import { newId } from "../../lib/core/ids.ts";

/** Makes a fresh, empty storage; `second` opens another handle on the same storage. */
export type FilesFactory = () => Promise<{
  files: FileStorage;
  second: () => Promise<FileStorage>;
  cleanup: () => Promise<void>;
}>;

export interface FilesContractOptions {
  sanitizeOps?: boolean;
  sanitizeResources?: boolean;
}

type Case = (
  files: FileStorage,
  second: () => Promise<FileStorage>,
) => Promise<void>;

/** Bytes 0, 1, 2 … 255, 0, 1 … of the given length: every offset is recognisable. */
export function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
}

/** A stream of `bytes` in chunks of `chunk` bytes. */
export function chunked(
  bytes: Uint8Array,
  chunk = 1000,
): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}

/** A stream that yields `bytes` and then fails, as an upload cut at its size limit does. */
function failingAfter(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(new Error("cut at the limit"));
      controller.enqueue(bytes);
      sent = true;
    },
  });
}

async function bytesOf(
  stream: ReadableStream<Uint8Array> | null,
): Promise<Uint8Array> {
  assert.ok(stream, "expected a stored file");
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Registers the contract's cases, named "<name> files: …", against `make`. */
export function filesContract(
  name: string,
  make: FilesFactory,
  options: FilesContractOptions = {},
): void {
  const test = (title: string, fn: Case) =>
    Deno.test({
      name: `${name} files: ${title}`,
      ...options,
      fn: async () => {
        const { files, second, cleanup } = await make();
        try {
          await fn(files, second);
        } finally {
          await cleanup();
        }
      },
    });

  test("write() stores a streamed file that read() and size() return byte for byte", async (files) => {
    const id = newId();
    const bytes = pattern(700_000);
    assert.equal(await files.write(id, chunked(bytes, 65_536)), bytes.length);
    assert.equal(await files.size(id), bytes.length);
    assert.deepStrictEqual(await bytesOf(await files.read(id)), bytes);
  });

  test("an empty file is stored with size 0", async (files) => {
    const id = newId();
    assert.equal(await files.write(id, chunked(new Uint8Array(0))), 0);
    assert.equal(await files.size(id), 0);
    assert.equal((await bytesOf(await files.read(id))).length, 0);
  });

  test("read() with a range streams exactly those bytes, clamped to the file", async (files) => {
    const id = newId();
    const bytes = pattern(300_000);
    await files.write(id, chunked(bytes, 4096));
    const cases: [number, number][] = [[0, 0], [1, 9], [261_000, 262_500], [
      299_990,
      299_999,
    ]];
    for (const [start, end] of cases) {
      assert.deepStrictEqual(
        await bytesOf(await files.read(id, { start, end })),
        bytes.slice(start, end + 1),
        `range ${start}-${end}`,
      );
    }
    assert.deepStrictEqual(
      await bytesOf(await files.read(id, { start: 299_000, end: 999_999 })),
      bytes.slice(299_000),
    );
  });

  test("a write whose stream fails leaves nothing stored and rethrows", async (files) => {
    const id = newId();
    await assert.rejects(
      files.write(id, failingAfter(pattern(300_000))),
      /cut at the limit/,
    );
    assert.equal(await files.size(id), null);
    assert.equal(await files.read(id), null);
  });

  test("writing an id that exists fails and keeps the first file", async (files) => {
    const id = newId();
    await files.write(id, chunked(pattern(10)));
    await assert.rejects(files.write(id, chunked(new Uint8Array(3))));
    assert.deepStrictEqual(await bytesOf(await files.read(id)), pattern(10));
  });

  test("unknown ids read as null; delete() is idempotent", async (files) => {
    const id = newId();
    assert.equal(await files.size(id), null);
    assert.equal(await files.read(id), null);
    assert.equal(await files.delete(id), false);
    await files.write(id, chunked(pattern(5000)));
    assert.equal(await files.delete(id), true);
    assert.equal(await files.delete(id), false);
    assert.equal(await files.size(id), null);
  });

  test(
    "a file written through one handle is read and deleted through another",
    async (files, second) => {
      const other = await second();
      try {
        const id = newId();
        const bytes = pattern(123_457);
        await files.write(id, chunked(bytes, 10_000));
        assert.deepStrictEqual(await bytesOf(await other.read(id)), bytes);
        assert.equal(await other.delete(id), true);
        assert.equal(await files.size(id), null);
      } finally {
        await other.close();
      }
    },
  );

  test("ids that are not ids are refused, never used as paths", async (files) => {
    for (const bad of ["../x", "a/b", "", "x".repeat(65)]) {
      await assert.rejects(files.write(bad, chunked(pattern(1))));
      await assert.rejects(files.size(bad));
    }
  });

  test("healthy() answers true while the storage answers", async (files) => {
    assert.equal(await files.healthy(), true);
  });
}
