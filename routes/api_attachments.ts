/**
 * §5 routes: `POST /api/groups/:id/attachments?name=` streams a file in; `GET
 * /api/groups/:id/attachments/:attachment_id` serves it to members (an unused upload only to its
 * uploader; anyone else gets 404, so ids reveal nothing).
 */
import { Hono } from "hono";
import { readableAttachment } from "../lib/core/attachments.ts";
import type { CoreDeps } from "../lib/core/deps.ts";
import { uploadAttachment, type UploadDeps } from "../lib/core/uploads.ts";
import { fileIdPattern } from "../lib/files/files.ts";
import { ChatError, errors } from "../lib/protocol/errors.ts";
import { fileResponse } from "./file_response.ts";
import { type AuthEnv, requireAuth } from "./session.ts";

/** The upload path, which takes raw bytes (not JSON) and its own size limit. */
export const uploadPathPattern = /^\/api\/groups\/[^/]+\/attachments\/?$/;

export function attachmentRoutes(
  deps: CoreDeps,
  up: UploadDeps,
): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const ids = async (
    c: { req: { param(name: string): string | undefined } },
    next: () => Promise<void>,
  ) => {
    const groupId = c.req.param("id") ?? "";
    const fileId = c.req.param("attachment_id");
    if (!fileIdPattern.test(groupId)) {
      throw errors.notFound("No such group");
    }
    if (fileId !== undefined && !fileIdPattern.test(fileId)) {
      throw errors.notFound("No such attachment");
    }
    await next();
  };
  app.use("/:id/attachments", ids, requireAuth(deps));
  app.use("/:id/attachments/:attachment_id", ids, requireAuth(deps));

  app.post("/:id/attachments", async (c) => {
    const length = c.req.header("content-length");
    const attachment = await uploadAttachment(
      deps,
      up,
      c.get("caller").user.id,
      {
        groupId: c.req.param("id"),
        name: c.req.query("name"),
        declaredType: c.req.header("content-type"),
        declaredLength: length && /^\d+$/.test(length)
          ? Number(length)
          : undefined,
        body: c.req.raw.body,
      },
    );
    return c.json({ attachment }, 201);
  });

  app.get("/:id/attachments/:attachment_id", async (c) => {
    const groupId = c.req.param("id");
    const userId = c.get("caller").user.id;
    // Not a member, no such group, no such file: one answer, so probing learns nothing.
    if (!await deps.store.isMember(groupId, userId)) {
      throw new ChatError("not_found", "No such attachment");
    }
    const record = await readableAttachment(deps.store, {
      groupId,
      id: c.req.param("attachment_id"),
      userId,
    });
    return await fileResponse(c.req.raw, up.files, record);
  });
  return app;
}
