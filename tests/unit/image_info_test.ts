/** Image type by magic bytes and size from headers, read through ranged reads only. */
import assert from "node:assert/strict";
import { readImageInfo, sniffImageType } from "../../lib/files/image_info.ts";
import { gifHeader, jpegHeader, png, webpHeader } from "../helpers/images.ts";

/** A `readAt` over bytes in memory that records what was asked. */
function reader(bytes: Uint8Array, asked: number[] = []) {
  return (offset: number, length: number) => {
    asked.push(length);
    return Promise.resolve(bytes.slice(offset, offset + length));
  };
}

Deno.test("readImageInfo() reads a PNG's size from its IHDR chunk", async () => {
  assert.deepStrictEqual(await readImageInfo(reader(await png(320, 200))), {
    type: "image/png",
    width: 320,
    height: 200,
  });
});

Deno.test("readImageInfo() walks JPEG segments to the frame header, even past a large EXIF block", async () => {
  const asked: number[] = [];
  const jpeg = jpegHeader(4032, 3024, 60_000);
  assert.deepStrictEqual(await readImageInfo(reader(jpeg, asked)), {
    type: "image/jpeg",
    width: 4032,
    height: 3024,
  });
  assert.ok(asked.every((n) => n <= 64), "only headers are read");
});

Deno.test("readImageInfo() reads GIF and every WebP flavour", async () => {
  assert.deepStrictEqual(await readImageInfo(reader(gifHeader(16, 9))), {
    type: "image/gif",
    width: 16,
    height: 9,
  });
  for (const kind of ["VP8 ", "VP8L", "VP8X"] as const) {
    assert.deepStrictEqual(
      await readImageInfo(reader(webpHeader(kind, 1000, 750))),
      { type: "image/webp", width: 1000, height: 750 },
      kind,
    );
  }
});

Deno.test("files that are not images, or images without a readable size, are not images", async () => {
  const text = new TextEncoder().encode(
    "<svg xmlns='http://www.w3.org/2000/svg'/>",
  );
  assert.equal(await readImageInfo(reader(text)), null);
  assert.equal(await readImageInfo(reader(new Uint8Array(0))), null);
  // A PNG signature with nothing after it, and a JPEG that never reaches a frame header.
  assert.equal(
    await readImageInfo(reader((await png(2, 2)).slice(0, 12))),
    null,
  );
  assert.equal(
    await readImageInfo(reader(Uint8Array.of(0xff, 0xd8, 0xff, 0xd9))),
    null,
  );
  assert.equal(await readImageInfo(reader(gifHeader(0, 10))), null);
});

Deno.test("a hostile JPEG of endless fill bytes ends the walk", async () => {
  const bytes = new Uint8Array(5000).fill(0xff);
  bytes.set([0xff, 0xd8, 0xff], 0);
  assert.equal(await readImageInfo(reader(bytes)), null);
});

Deno.test("sniffImageType() judges by magic bytes only", () => {
  assert.equal(
    sniffImageType(new TextEncoder().encode("GIF87a....")),
    "image/gif",
  );
  assert.equal(sniffImageType(new TextEncoder().encode("RIFF....WAVE")), null);
  assert.equal(sniffImageType(new TextEncoder().encode("%PDF-1.7")), null);
});
