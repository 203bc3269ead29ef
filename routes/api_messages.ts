/**
 * `/api/groups/:id/messages*`: history pages, one message, the HTTP send path and §4's changes
 * (edit, delete, reactions). The same flows, checks and budgets as the socket frames.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { changeMessage } from "../lib/core/changes.ts";
import type { CoreDeps } from "../lib/core/deps.ts";
import { requireGroup, requireMember } from "../lib/core/require.ts";
import { messageAt } from "../lib/core/history.ts";
import {
  historyPage,
  pageAfter,
  pageAround,
} from "../lib/core/history_pages.ts";
import { sendMessage } from "../lib/core/messages.ts";
import { describeIssues } from "../lib/protocol/client_frames.ts";
import { emojiProblem } from "../lib/protocol/emoji.ts";
import { errors } from "../lib/protocol/errors.ts";
import * as bodies from "../lib/protocol/http_bodies.ts";
import type { AuthEnv } from "./session.ts";
import { jsonBody, query } from "./validate.ts";

// deno-lint-ignore no-explicit-any
type Ctx = Context<AuthEnv, any>;
/** A change without its target (the URL names the group and the seq). */
type ChangeKind =
  | { kind: "edit"; text: string }
  | { kind: "delete" }
  | { kind: "react" | "unreact"; emoji: string };

/** Registers the message routes on the groups app (behind its auth and budgets). */
export function messageRoutes(
  app: Hono<AuthEnv>,
  deps: CoreDeps,
  messageLimit: MiddlewareHandler,
): void {
  const member = async (c: Ctx) => {
    const groupId = c.req.param("id")!;
    await requireGroup(deps, groupId);
    await requireMember(deps, groupId, c.get("caller").user.id);
    return groupId;
  };
  const change = async (c: Ctx, input: ChangeKind) => {
    const groupId = c.req.param("id")!;
    const message = await changeMessage(deps, c.get("caller").user, {
      ...input,
      groupId,
      seq: seqOf(c),
    });
    return c.json({ message });
  };

  app.get("/:id/messages", async (c) => {
    const groupId = await member(c);
    const q = query(c, bodies.historyQuery);
    if (q.after_seq !== undefined) {
      return c.json(
        await pageAfter(deps, groupId, {
          afterSeq: q.after_seq,
          limit: q.limit,
        }),
      );
    }
    if (q.around_seq !== undefined) {
      return c.json(
        await pageAround(deps, groupId, {
          aroundSeq: q.around_seq,
          limit: q.limit,
        }),
      );
    }
    return c.json(
      await historyPage(deps, groupId, {
        beforeSeq: q.before_seq,
        limit: q.limit,
      }),
    );
  });
  app.post("/:id/messages", messageLimit, async (c) => {
    const body = await jsonBody(c, bodies.sendMessage);
    await requireGroup(deps, c.req.param("id"));
    const { message } = await sendMessage(deps, c.get("caller").user, {
      groupId: c.req.param("id"),
      text: body.text,
      nonce: body.nonce ?? null,
      attachmentIds: body.attachment_ids,
      ...(body.reply_to === undefined ? {} : { replyTo: body.reply_to }),
    });
    return c.json({ message }, 201);
  });
  app.get("/:id/messages/:seq", async (c) => {
    const groupId = await member(c);
    const message = await messageAt(deps, groupId, seqOf(c));
    if (!message) {
      throw errors.notFound("No such message", { group_id: groupId });
    }
    return c.json({ message });
  });
  app.patch("/:id/messages/:seq", messageLimit, async (c) => {
    const body = await jsonBody(c, bodies.editMessage);
    return await change(c, { kind: "edit", text: body.text });
  });
  app.delete(
    "/:id/messages/:seq",
    messageLimit,
    (c) => change(c, { kind: "delete" }),
  );
  app.put(
    "/:id/messages/:seq/reactions/:emoji",
    messageLimit,
    (c) => change(c, { kind: "react", emoji: emojiOf(c) }),
  );
  app.delete(
    "/:id/messages/:seq/reactions/:emoji",
    messageLimit,
    (c) => change(c, { kind: "unreact", emoji: emojiOf(c) }),
  );
}

function seqOf(c: Ctx): number {
  const result = bodies.seqParam.safeParse(c.req.param("seq"));
  if (!result.success) {
    throw errors.badRequest(describeIssues(result.error, "seq"));
  }
  return result.data;
}

/** The URL's emoji (Hono has decoded it), checked by the §4 rule. */
function emojiOf(c: Ctx): string {
  const emoji = c.req.param("emoji") ?? "";
  const problem = emojiProblem(emoji);
  if (problem) throw errors.badRequest(`Invalid emoji: ${problem}`);
  return emoji;
}
