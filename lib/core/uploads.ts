/**
 * Uploading a file (§5): the body streams into file storage through a counter that cuts it at
 * the size limit and draws the user's byte budget as bytes arrive, so neither a large file nor a
 * lying `Content-Length` is ever held in memory. Then the stored bytes' headers decide whether
 * it is an image (and its size), and the record is written unclaimed.
 */
import type { FileStorage } from "../files/files.ts";
import { readPrefix } from "../files/files.ts";
import { imageTypes, readImageInfo } from "../files/image_info.ts";
import { ChatError } from "../protocol/errors.ts";
import { limits } from "../protocol/limits.ts";
import type { Attachment } from "../protocol/types.ts";
import type { StoredAttachment } from "../store/attachment_store.ts";
import { toAttachment } from "./attachments.ts";
import type { CoreDeps } from "./deps.ts";
import { requireGroup, requireMember } from "./require.ts";
import { newId } from "./ids.ts";
import type { UploadQuota, UploadQuotaSettings } from "./upload_quota.ts";

/** The configuration of uploads (`MAX_UPLOAD_BYTES`, `UPLOAD_*`). */
export interface UploadSettings extends UploadQuotaSettings {
  maxBytes: number;
  /** An upload no message used for this long is removed (24 h). */
  orphanTtlMs: number;
  /** How often each instance sweeps for such uploads. */
  sweepIntervalMs: number;
}

/** What uploads need beyond the core's ports. */
export interface UploadDeps {
  files: FileStorage;
  quota: UploadQuota;
  /** Largest file in bytes; exactly this many is allowed. */
  maxBytes: number;
}

export interface UploadInput {
  groupId: string;
  name: string | undefined;
  /** The request's `Content-Type`. */
  declaredType: string | undefined;
  /** The request's `Content-Length`, when given (a hint: the stream is counted anyway). */
  declaredLength: number | undefined;
  body: ReadableStream<Uint8Array> | null;
}

/** Stores an upload of `userId` to a group they belong to; answers its `Attachment`. */
export async function uploadAttachment(
  deps: CoreDeps,
  up: UploadDeps,
  userId: string,
  input: UploadInput,
): Promise<Attachment> {
  await requireGroup(deps, input.groupId);
  await requireMember(deps, input.groupId, userId);
  if ((input.declaredLength ?? 0) > up.maxBytes) throw tooLarge(up.maxBytes);
  const wait = up.quota.startUpload(userId);
  if (wait > 0) throw rateLimited(wait);

  const id = newId(deps.now());
  const body = input.body ?? new ReadableStream({ start: (c) => c.close() });
  const size = await up.files.write(id, body.pipeThrough(meter(up, userId)));
  try {
    const image = await readImageInfo(async (offset, length) => {
      const stream = await up.files.read(id, {
        start: offset,
        end: offset + length - 1,
      });
      return stream ? await readPrefix(stream, length) : new Uint8Array(0);
    });
    const declared = cleanType(input.declaredType);
    const record: StoredAttachment = {
      id,
      group_id: input.groupId,
      uploader_id: userId,
      name: cleanName(input.name),
      // A file that only claims to be an image is not one: it is served as a download.
      content_type: image?.type ??
        (imageTypes.has(declared) ? "application/octet-stream" : declared),
      size,
      inline: image !== null,
      ...(image ? { width: image.width, height: image.height } : {}),
      created_at: new Date(deps.now()).toISOString(),
      claimed_by: null,
      message_seq: null,
    };
    await deps.store.attachments.create(record);
    return toAttachment(record);
  } catch (err) {
    await up.files.delete(id).catch(() => {});
    throw err;
  }
}

/** Counts bytes through: past `maxBytes`, or past the user's byte budget, the stream fails. */
function meter(
  up: UploadDeps,
  userId: string,
): TransformStream<Uint8Array, Uint8Array> {
  let total = 0;
  return new TransformStream({
    transform(chunk, controller) {
      total += chunk.length;
      if (total > up.maxBytes) return controller.error(tooLarge(up.maxBytes));
      const wait = up.quota.takeBytes(userId, chunk.length);
      if (wait > 0) return controller.error(rateLimited(wait));
      controller.enqueue(chunk);
    },
  });
}

function tooLarge(maxBytes: number): ChatError {
  return new ChatError("too_large", `File over ${maxBytes} bytes`);
}

function rateLimited(wait: number): ChatError {
  return new ChatError("rate_limited", "Upload budget used up; wait a while", {
    retry_after_ms: wait,
  });
}

/** A file name safe to store and show: no control characters, no path, at most 255 chars. */
export function cleanName(raw: string | undefined): string {
  const name = (raw ?? "")
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .replace(/^.*[\\/]/, "")
    .trim();
  return [...(name || "file")].slice(0, limits.maxFileNameChars).join("");
}

/** The declared media type without parameters, or `application/octet-stream`. */
export function cleanType(raw: string | undefined): string {
  const type = (raw ?? "").split(";")[0].trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/
      .test(type)
    ? type
    : "application/octet-stream";
}
