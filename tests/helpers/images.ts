/**
 * Image bytes for tests, made here: a real PNG any browser decodes, and headers of JPEG, GIF and
 * WebP files as their formats define them (enough for type and size, which is all the server
 * reads).
 */

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concat(new TextEncoder().encode(type), data);
  return concat(u32(data.length), typed, u32(crc32(typed)));
}

/** A real RGB PNG of `width` × `height`, filled with one colour. */
export async function png(
  width: number,
  height: number,
  rgb: [number, number, number] = [40, 120, 200],
): Promise<Uint8Array> {
  const row = new Uint8Array(1 + width * 3);
  for (let x = 0; x < width; x++) row.set(rgb, 1 + x * 3);
  const raw = concat(...Array.from({ length: height }, () => row));
  const deflated = new Uint8Array(
    await new Response(
      new Blob([raw]).stream().pipeThrough(new CompressionStream("deflate")),
    ).arrayBuffer(),
  );
  const ihdr = concat(u32(width), u32(height), Uint8Array.of(8, 2, 0, 0, 0));
  return concat(
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflated),
    chunk("IEND", new Uint8Array(0)),
  );
}

/** A JPEG's segments up to its frame header, after an `app1Bytes`-long APP1 (EXIF) segment. */
export function jpegHeader(
  width: number,
  height: number,
  app1Bytes = 100,
): Uint8Array {
  const app1 = new Uint8Array(2 + 2 + app1Bytes);
  app1.set([0xff, 0xe1, (app1Bytes + 2) >> 8, (app1Bytes + 2) & 0xff]);
  const sof = Uint8Array.of(
    0xff,
    0xc2,
    0x00,
    0x11,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x03,
    0x01,
    0x22,
    0x00,
    0x02,
    0x11,
    0x01,
    0x03,
    0x11,
    0x01,
  );
  return concat(
    Uint8Array.of(0xff, 0xd8),
    app1,
    sof,
    Uint8Array.of(0xff, 0xd9),
  );
}

/** A GIF89a header of `width` × `height`. */
export function gifHeader(width: number, height: number): Uint8Array {
  const b = new Uint8Array(13);
  b.set(new TextEncoder().encode("GIF89a"));
  new DataView(b.buffer).setUint16(6, width, true);
  new DataView(b.buffer).setUint16(8, height, true);
  return b;
}

/** A WebP header of the given kind ("VP8 ", "VP8L" or "VP8X") and size. */
export function webpHeader(
  kind: "VP8 " | "VP8L" | "VP8X",
  width: number,
  height: number,
): Uint8Array {
  const b = new Uint8Array(40);
  const view = new DataView(b.buffer);
  const ascii = (o: number, s: string) => b.set(new TextEncoder().encode(s), o);
  ascii(0, "RIFF");
  view.setUint32(4, 32, true);
  ascii(8, "WEBP");
  ascii(12, kind);
  if (kind === "VP8 ") {
    b.set([0x9d, 0x01, 0x2a], 23);
    view.setUint16(26, width, true);
    view.setUint16(28, height, true);
  } else if (kind === "VP8L") {
    b[20] = 0x2f;
    view.setUint32(21, (width - 1) | ((height - 1) << 14), true);
  } else {
    const u24 = (o: number, n: number) =>
      b.set([n & 0xff, (n >> 8) & 0xff, n >> 16], o);
    u24(24, width - 1);
    u24(27, height - 1);
  }
  return b;
}
