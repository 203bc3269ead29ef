/**
 * Sending a message: the one flow behind the socket `message` frame and the HTTP send path.
 * validate membership (and `reply_to`, mentions) → append to the bus (which orders, records and
 * publishes) → done. Delivery and persistence happen downstream; nothing here writes history or
 * fans out.
 */
import type { AppendOutcome, Floors, MessageDraft } from "../bus/bus.ts";
import { ChatError, errors, toChatError } from "../protocol/errors.ts";
import type { Attachment, Message, User } from "../protocol/types.ts";
import type { CoreDeps } from "./deps.ts";
import { announceFirstMessage } from "./dms.ts";
import { requireMember } from "./require.ts";
import { groupHead } from "./history.ts";
import { newId } from "./ids.ts";
import { findMentions, mayMention } from "./mentions.ts";
import { sendWithAttachments } from "./attachments.ts";

export interface SendInput {
  groupId: string;
  text: string;
  nonce: string | null;
  /** §4: the seq of the message this one replies to. */
  replyTo?: number;
  /** §5: uploads to attach (validated and claimed by `sendWithAttachments`). */
  attachmentIds?: string[];
  /**
   * The sender's socket is subscribed to the group: its membership was checked against the store
   * at subscribe, and a leave or removal ends the subscription on every instance (`member_left`,
   * and a re-check of every socket after a bus outage). The subscription is then the membership:
   * no store read per message, and a conversation in progress continues through the bus while
   * the store is down or slow (history catches up once it is back).
   */
  subscribed?: boolean;
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
  await checkSender(deps, input, author.id);
  if (input.replyTo !== undefined) {
    // Seqs have no gaps: every seq up to the head is a message (a deleted one included).
    if (input.replyTo > await groupHead(deps, input.groupId)) {
      throw errors.notFound(`No message ${input.replyTo} to reply to`, {
        group_id: input.groupId,
      });
    }
  }
  const mentions = await mentionsIn(deps, input.groupId, input.text);
  const id = newId(deps.now());
  return await sendWithAttachments(
    deps.store,
    {
      groupId: input.groupId,
      authorId: author.id,
      nonce: input.nonce,
      messageId: id,
      ids: input.attachmentIds ?? [],
    },
    (attachments) =>
      sendDraft(deps, author, input, { id, mentions, attachments }),
  );
}

async function sendDraft(
  deps: CoreDeps,
  author: User,
  input: SendInput,
  extra: {
    id: string;
    mentions: string[] | undefined;
    attachments: Attachment[] | undefined;
  },
): Promise<SendResult> {
  const { id, mentions, attachments } = extra;
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
  if (input.replyTo !== undefined) draft.reply_to = input.replyTo;
  if (mentions) draft.mentions = mentions;
  const outcome = await withFloors(
    deps,
    input.groupId,
    (floors) => deps.bus.append(draft, floors),
  );
  if (outcome.status === "need_floor") {
    throw new ChatError(
      "unavailable",
      "The message could not be ordered; try again",
    );
  }
  const duplicate = outcome.status === "duplicate";
  if (!duplicate && outcome.message.seq === 1) {
    await announceFirstMessage(deps, input.groupId);
  }
  return { message: outcome.message, duplicate };
}

/**
 * Membership: a subscribed socket's subscription vouches for it (see `SendInput.subscribed`);
 * anyone else is checked against the store.
 */
async function checkSender(deps: CoreDeps, input: SendInput, userId: string) {
  if (input.subscribed) return;
  await requireMember(deps, input.groupId, userId);
}

/** The members `text` mentions; the member list is read only when the text holds an `@`. */
export async function mentionsIn(
  deps: CoreDeps,
  groupId: string,
  text: string,
): Promise<string[] | undefined> {
  if (!mayMention(text)) return undefined;
  const members = await deps.store.usersByIds(
    await deps.store.memberIds(groupId),
  );
  return findMentions(text, members);
}

/**
 * Runs an append; when the bus lost or never had the group's counters, runs it again with the
 * store's heads as floors. Bus failures become `unavailable`.
 */
export async function withFloors<T extends AppendOutcome | { status: string }>(
  deps: CoreDeps,
  groupId: string,
  append: (floors: Floors) => Promise<T>,
): Promise<T> {
  const outcome = await busCall(() => append({}));
  if (outcome.status !== "need_floor") return outcome;
  const [floorSeq, floorRev] = await Promise.all([
    deps.store.headSeq(groupId),
    deps.store.headRev(groupId),
  ]);
  return await busCall(() => append({ floorSeq, floorRev }));
}

async function busCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const error = toChatError(err);
    if (error.code === "internal") {
      throw new ChatError(
        "unavailable",
        "The message bus is unreachable; try again",
        {},
        { cause: err },
      );
    }
    throw error;
  }
}
