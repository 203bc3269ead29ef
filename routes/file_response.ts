/**
 * How a stored file is answered (§5): inline only for real images (judged by magic bytes at
 * upload), every other file as a download; always `nosniff` and a sandboxing CSP, so nothing
 * uploaded can run as a page of this origin. `ETag`/`If-None-Match` and single `Range`s.
 */
import type { FileStorage } from "../lib/files/files.ts";
import { ChatError } from "../lib/protocol/errors.ts";
import type { StoredAttachment } from "../lib/store/attachment_store.ts";

/** The response to `GET <attachment url>` for a record the caller may read. */
export async function fileResponse(
  req: Request,
  files: FileStorage,
  a: StoredAttachment,
): Promise<Response> {
  const etag = `"${a.id}"`;
  const headers = new Headers({
    "Content-Type": a.inline ? a.content_type : "application/octet-stream",
    "Content-Disposition": contentDisposition(
      a.inline ? "inline" : "attachment",
      a.name,
    ),
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox",
    "ETag": etag,
    "Accept-Ranges": "bytes",
  });
  if (matchesEtag(req.headers.get("if-none-match"), etag)) {
    return new Response(null, { status: 304, headers });
  }
  const range = parseRange(req.headers.get("range"), a.size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${a.size}`);
    return Response.json({
      error: { code: "bad_request", message: "Range past the end of the file" },
    }, { status: 416, headers: jsonHeaders(headers) });
  }
  const body = await files.read(a.id, range ?? undefined);
  if (!body) throw new ChatError("not_found", "No such attachment");
  if (!range) {
    headers.set("Content-Length", String(a.size));
    return new Response(body, { status: 200, headers });
  }
  headers.set("Content-Range", `bytes ${range.start}-${range.end}/${a.size}`);
  headers.set("Content-Length", String(range.end - range.start + 1));
  return new Response(body, { status: 206, headers });
}

/**
 * A single byte range of `bytes=a-b`, `bytes=a-` or `bytes=-n`, clamped to the file; null to send
 * the whole file (no header, several ranges, or one we do not parse: RFC 9110 lets us ignore
 * it); "unsatisfiable" when it starts past the end.
 */
export function parseRange(
  header: string | null,
  size: number,
): { start: number; end: number } | null | "unsatisfiable" {
  const m = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? Infinity : Number(m[2]);
  if (end < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}

/** RFC 6266: an ASCII fallback `filename` and the exact name as UTF-8 `filename*`. */
export function contentDisposition(
  kind: "inline" | "attachment",
  name: string,
): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const exact = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

function jsonHeaders(headers: Headers): Headers {
  const out = new Headers(headers);
  out.set("Content-Type", "application/json");
  out.delete("Content-Disposition");
  return out;
}
