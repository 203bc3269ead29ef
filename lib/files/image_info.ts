/**
 * What a file's bytes say it is: PNG, JPEG, GIF or WebP by magic bytes (never by the declared
 * type), and the image's width and height from its header. No image library: only headers are
 * read, through `readAt`, so a large file is never loaded whole.
 */

/** The image types served inline (PROTOCOL.md §5). */
export type ImageType = "image/png" | "image/jpeg" | "image/gif" | "image/webp";

export const imageTypes: ReadonlySet<string> = new Set<ImageType>([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
]);

export interface ImageInfo {
  type: ImageType;
  width: number;
  height: number;
}

/** Reads up to `length` bytes at `offset` (fewer at the end of the file). */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

/** Bytes enough for every magic number and every header but JPEG's. */
export const headBytes = 64;

/** The image type the first bytes prove, or null. */
export function sniffImageType(head: Uint8Array): ImageType | null {
  const at = (offset: number, ...bytes: number[]) =>
    bytes.every((b, i) => head[offset + i] === b);
  const ascii = (offset: number, text: string) =>
    at(offset, ...[...text].map((c) => c.charCodeAt(0)));
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (ascii(0, "GIF87a") || ascii(0, "GIF89a")) return "image/gif";
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return "image/webp";
  return null;
}

/**
 * The image a file holds, with its dimensions; null when its bytes are no PNG, JPEG, GIF or WebP
 * with a readable, non-zero size (such a file is then just a file, served as a download).
 */
export async function readImageInfo(readAt: ReadAt): Promise<ImageInfo | null> {
  const head = await readAt(0, headBytes);
  const type = sniffImageType(head);
  if (!type) return null;
  const size = type === "image/jpeg"
    ? await _jpegSize(readAt)
    : _headerSize(type, head);
  if (!size || size.width < 1 || size.height < 1) return null;
  return { type, ...size };
}

type Size = { width: number; height: number };

function _headerSize(type: ImageType, b: Uint8Array): Size | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ascii = (offset: number, length: number) =>
    String.fromCharCode(...b.subarray(offset, offset + length));
  switch (type) {
    case "image/png":
      // The IHDR chunk comes first: width and height, big-endian, at 16 and 20.
      if (b.length < 24 || ascii(12, 4) !== "IHDR") return null;
      return { width: view.getUint32(16), height: view.getUint32(20) };
    case "image/gif":
      if (b.length < 10) return null;
      return {
        width: view.getUint16(6, true),
        height: view.getUint16(8, true),
      };
    case "image/webp":
      return _webpSize(b, view, ascii(12, 4));
    default:
      return null;
  }
}

function _webpSize(b: Uint8Array, view: DataView, chunk: string): Size | null {
  if (chunk === "VP8 " && b.length >= 30) {
    // Lossy: a key frame's start code 9d 01 2a, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return {
      width: view.getUint16(26, true) & 0x3fff,
      height: view.getUint16(28, true) & 0x3fff,
    };
  }
  if (chunk === "VP8L" && b.length >= 25) {
    // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
    if (b[20] !== 0x2f) return null;
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X" && b.length >= 30) {
    // Extended: canvas width-1 and height-1 as 24-bit little-endian numbers.
    const u24 = (o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
    return { width: u24(24) + 1, height: u24(27) + 1 };
  }
  return null;
}

/** Markers that start a frame (SOF0–SOF15 but DHT, JPG and DAC) and hold its size. */
function _isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 &&
    marker !== 0xc8 && marker !== 0xcc;
}

/** How many segments are walked before giving up: a hostile file cannot loop us long. */
const maxJpegSegments = 1000;

/** Walks JPEG segments (reading only their 2–9 byte headers) to the first start-of-frame. */
async function _jpegSize(readAt: ReadAt): Promise<Size | null> {
  let offset = 2;
  for (let i = 0; i < maxJpegSegments; i++) {
    const h = await readAt(offset, 9);
    if (h.length < 4) return null;
    if (h[0] !== 0xff) return null;
    const marker = h[1];
    // Fill bytes (ff ff) and markers without a length (RSTn, TEM) are one or two bytes long.
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end, or scan data before any frame
    const length = (h[2] << 8) | h[3];
    if (length < 2) return null;
    if (_isStartOfFrame(marker)) {
      if (h.length < 9) return null;
      return { height: (h[5] << 8) | h[6], width: (h[7] << 8) | h[8] };
    }
    offset += 2 + length;
  }
  return null;
}
