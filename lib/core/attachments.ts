/**
 * Attachments on the send path (§5): a message's `attachment_ids` are resolved into the
 * `Attachment`s it carries, and claimed so that no other message can use them. Who may read an
 * upload is decided here too.
 */
import { ChatError, errors } from "../protocol/errors.ts";
import type { Attachment, Message } from "../protocol/types.ts";
import type { StoredAttachment } from "../store/attachment_store.ts";
import type { Store } from "../store/store.ts";
import { log } from "../log.ts";

/** The same-origin path an attachment is served at. */
export function attachmentUrl(groupId: string, id: string): string {
  return `/api/groups/${encodeURIComponent(groupId)}/attachments/${
    encodeURIComponent(id)
  }`;
}

/** The public shape of a stored attachment. */
export function toAttachment(a: StoredAttachment): Attachment {
  return {
    id: a.id,
    name: a.name,
    content_type: a.content_type,
    size: a.size,
    url: attachmentUrl(a.group_id, a.id),
    ...(a.width && a.height ? { width: a.width, height: a.height } : {}),
  };
}

/** Who claims uploads for one send: a retried send (same nonce) is the same claimant. */
export function claimantOf(
  authorId: string,
  nonce: string | null,
  messageId: string,
): string {
  return nonce === null ? `m:${messageId}` : `n:${authorId}:${nonce}`;
}

/**
 * Checks that every id is an upload of `authorId` to `groupId` that no other message uses, and
 * claims them all for `claimant` atomically. Any other id is `bad_request` naming it.
 */
export async function claimForMessage(
  store: Store,
  input: {
    groupId: string;
    authorId: string;
    ids: string[];
    claimant: string;
  },
): Promise<Attachment[]> {
  const ids = [...new Set(input.ids)];
  const found = new Map(
    (await store.attachments.byIds(ids)).map((a) => [a.id, a]),
  );
  for (const id of ids) {
    const a = found.get(id);
    const usable = a && a.group_id === input.groupId &&
      a.uploader_id === input.authorId &&
      (a.claimed_by === null || a.claimed_by === input.claimant);
    if (!usable) throw unusable(id);
  }
  const refused = await store.attachments.claim(ids, input.claimant);
  if (refused !== null) throw unusable(refused);
  return ids.map((id) => toAttachment(found.get(id)!));
}

/**
 * Sends with `ids` claimed: `send` gets the resolved attachments for its draft. A send that fails
 * gives the claim back; one that succeeds records the message's seq on its uploads (and a
 * nonce retry that named other uploads than the original gives those back).
 */
export async function sendWithAttachments<T extends { message: Message }>(
  store: Store,
  input: {
    groupId: string;
    authorId: string;
    nonce: string | null;
    messageId: string;
    ids: string[];
  },
  send: (attachments: Attachment[] | undefined) => Promise<T>,
): Promise<T> {
  if (input.ids.length === 0) return await send(undefined);
  const claimant = claimantOf(input.authorId, input.nonce, input.messageId);
  const attachments = await claimForMessage(store, { ...input, claimant });
  let result: T;
  try {
    result = await send(attachments);
  } catch (err) {
    await store.attachments.release(input.ids, claimant).catch(() => {});
    throw err;
  }
  const carried = new Set(result.message.attachments?.map((a) => a.id));
  const unused = input.ids.filter((id) => !carried.has(id));
  try {
    if (unused.length) await store.attachments.release(unused, claimant);
    if (carried.size) {
      await store.attachments.setSeq([...carried], result.message.seq);
    }
  } catch (err) {
    // The message is sent; its uploads stay claimed, which is all that serving needs.
    log.warn(
      "attachments.record_failed",
      "attachments: could not record a sent message's uploads",
      { err },
    );
  }
  return result;
}

function unusable(id: string): ChatError {
  return errors.badRequest(
    `Invalid attachment_ids: ${id} is not an unused upload of yours to this group`,
  );
}

/**
 * The attachment a user may read, or `not_found`: members of its group only, and an upload no
 * message uses only to its uploader. Membership is checked by the caller.
 */
export async function readableAttachment(
  store: Store,
  input: { groupId: string; id: string; userId: string },
): Promise<StoredAttachment> {
  const [a] = await store.attachments.byIds([input.id]);
  const visible = a && a.group_id === input.groupId &&
    (a.claimed_by !== null || a.uploader_id === input.userId);
  if (!visible) throw errors.notFound("No such attachment");
  return a;
}
