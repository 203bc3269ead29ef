/**
 * Sending a message: the one flow behind the socket `message` frame and the HTTP send path.
 * validate membership → append to the bus (which orders, records and publishes) → done. Delivery
 * and persistence happen downstream; nothing here writes history or fans out.
 */
import type { MessageDraft } from "../bus/bus.ts";
import { ChatError, toChatError } from "../protocol/errors.ts";
import type { Attachment, Message, User } from "../protocol/types.ts";
import type { CoreDeps } from "./deps.ts";
import { requireMember } from "./groups.ts";
import { newId } from "./ids.ts";
import { sendWithAttachments } from "./attachments.ts";

export interface SendInput {
  groupId: string;
  text: string;
  nonce: string | null;
  /** §5: uploads to attach (validated and claimed by `sendWithAttachments`). */
  attachmentIds?: string[];
}

export interface SendResult {
  message: Message;
  /** True when the nonce matched an earlier message: nothing new was published. */
  duplicate: boolean;
}

/** Sends a message as `author`; see the module comment for the flow. */
export async function sendMessage(
  deps: CoreDeps,
  author: User,
  input: SendInput,
): Promise<SendResult> {
  await requireMember(deps, input.groupId, author.id);
  const id = newId(deps.now());
  return await sendWithAttachments(deps.store, {
    groupId: input.groupId,
    authorId: author.id,
    nonce: input.nonce,
    messageId: id,
    ids: input.attachmentIds ?? [],
  }, (attachments) => sendDraft(deps, author, input, id, attachments));
}

async function sendDraft(
  deps: CoreDeps,
  author: User,
  input: SendInput,
  id: string,
  attachments: Attachment[] | undefined,
): Promise<SendResult> {
  const now = deps.now();
  const draft: MessageDraft = {
    id,
    group_id: input.groupId,
    author: { id: author.id, username: author.username },
    text: input.text,
    nonce: input.nonce,
    created_at: new Date(now).toISOString(),
    ...(attachments ? { attachments } : {}),
  };
  let outcome = await append(deps, draft);
  if (outcome.status === "need_floor") {
    // The bus lost or never had this group's counter: continue from what the store holds.
    const floorSeq = await deps.store.headSeq(input.groupId);
    outcome = await append(deps, draft, floorSeq);
  }
  if (outcome.status === "need_floor") {
    throw new ChatError(
      "unavailable",
      "The message could not be ordered; try again",
    );
  }
  return {
    message: outcome.message,
    duplicate: outcome.status === "duplicate",
  };
}

async function append(deps: CoreDeps, draft: MessageDraft, floorSeq?: number) {
  try {
    return await deps.bus.append(
      draft,
      floorSeq === undefined ? {} : { floorSeq },
    );
  } catch (err) {
    const error = toChatError(err);
    if (error.code === "internal") {
      throw new ChatError(
        "unavailable",
        "The message bus is unreachable; try again",
        {},
        {
          cause: err,
        },
      );
    }
    throw error;
  }
}
