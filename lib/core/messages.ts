/**
 * Sending a message: the one flow behind the socket `message` frame and the HTTP send path.
 * validate membership → append to the bus (which orders, records and publishes) → done. Delivery
 * and persistence happen downstream; nothing here writes history or fans out.
 */
import type { MessageDraft } from "../bus/bus.ts";
import { ChatError, toChatError } from "../protocol/errors.ts";
import type { Message, User } from "../protocol/types.ts";
import type { CoreDeps } from "./deps.ts";
import { requireMember } from "./groups.ts";
import { newId } from "./ids.ts";

export interface SendInput {
  groupId: string;
  text: string;
  nonce: string | null;
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
  const now = deps.now();
  const draft: MessageDraft = {
    id: newId(now),
    group_id: input.groupId,
    author: { id: author.id, username: author.username },
    text: input.text,
    nonce: input.nonce,
    created_at: new Date(now).toISOString(),
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
 * Membership: a subscribed socket's subscription vouches for it (see `SendInput.subscribed`);
 * anyone else is checked against the store.
 */
async function checkSender(deps: CoreDeps, input: SendInput, userId: string) {
  if (input.subscribed) return;
  await requireMember(deps, input.groupId, userId);
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
