/** Runs the file-storage contract against a folder on disk, and checks what lands in it. */
import assert from "node:assert/strict";
import { FolderFiles } from "../../lib/files/folder_files.ts";
import { chunked, filesContract, pattern } from "./files_contract.ts";

filesContract("folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "salvioris_files_" });
  const files = await FolderFiles.open(dir);
  return {
    files,
    second: () => FolderFiles.open(dir),
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
});

Deno.test("folder files: a failed write leaves no temporary file behind", async () => {
  const dir = await Deno.makeTempDir({ prefix: "salvioris_files_" });
  try {
    const files = await FolderFiles.open(dir);
    let sent = false;
    const failing = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent) return c.error(new Error("cut"));
        c.enqueue(pattern(1000));
        sent = true;
      },
    });
    await assert.rejects(files.write("abc", failing));
    await files.write("def", chunked(pattern(10)));
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepStrictEqual(names, ["def"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("folder files: opening the folder removes temporary files a killed write left an hour ago", async () => {
  const dir = await Deno.makeTempDir({ prefix: "salvioris_files_" });
  try {
    const old = `${dir}/.abc.1234.part`;
    const fresh = `${dir}/.def.5678.part`;
    await Deno.writeFile(old, pattern(10));
    await Deno.writeFile(fresh, pattern(10));
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await Deno.utime(old, twoHoursAgo, twoHoursAgo);
    await FolderFiles.open(dir);
    const names = [];
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
    assert.deepStrictEqual(names, [".def.5678.part"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
