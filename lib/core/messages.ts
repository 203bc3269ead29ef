/**
 * Sending a message: the one flow behind the socket `message` frame and the HTTP send path.
 * validate membership → append to the bus (which orders, records and publishes) → done. Delivery
 * and persistence happen downstream; nothing here writes history or fans out.
 */
import type { MessageDraft } from "../bus/bus.ts";
import { ChatError, errors, toChatError } from "../protocol/errors.ts";
import type { Attachment, Message, User } from "../protocol/types.ts";
import { withDeadline } from "./deadline.ts";
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
  /**
   * The sender's socket is subscribed to the group: its membership was checked against the store
   * at subscribe, and leave events end the subscription on every instance. When the store is
   * down or slow, that subscription vouches for the sender, so a conversation in progress
   * continues through the bus (history catches up once the store is back).
   */
  subscribed?: boolean;
}

/** How long a subscribed sender's membership check waits for the store before trusting it. */
const storeWaitMs = 500;

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
  await checkSender(deps, input, author.id);
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

/**
 * Membership, from the store; for a subscribed socket the store has `storeWaitMs` to say no, and
 * silence (down, slow) lets the subscription vouch. Only a "no" refuses.
 */
async function checkSender(deps: CoreDeps, input: SendInput, userId: string) {
  if (!input.subscribed) {
    return await requireMember(deps, input.groupId, userId);
  }
  const answer = deps.store.isMember(input.groupId, userId).catch(() => null);
  const member = await withDeadline(answer, storeWaitMs, () => null);
  if (member === false) {
    throw errors.forbidden("You are not a member of this group", {
      group_id: input.groupId,
    });
  }
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
