/**
 * The attachment sub-port of the store (§5): the records of uploads, reached as
 * `store.attachments`. Their bytes live in the `FileStorage`; this keeps who uploaded what, and
 * which message claimed it.
 *
 * Contract (every adapter runs the attachment cases of `tests/contracts/store_contract.ts`):
 * - `claim` is all-or-none and atomic per attachment, so two messages can never both claim one
 *   upload; claiming again with the same claimant succeeds (a retried send).
 * - `delete` with `onlyUnclaimed` deletes nothing that a message claimed, even when a claim races
 *   it.
 * - Every method may throw on an unreachable database; none throws for "not found".
 */

/** §5: an upload's metadata; its bytes live in the `FileStorage`. */
export interface StoredAttachment {
  id: string;
  group_id: string;
  uploader_id: string;
  name: string;
  /** The declared type (the real one for images), as clients are told. */
  content_type: string;
  size: number;
  /** True when the bytes are a PNG, JPEG, GIF or WebP image: served inline. */
  inline: boolean;
  width?: number;
  height?: number;
  created_at: string;
  /** Who claimed it for a message (see `claim`); null while no message uses it. */
  claimed_by: string | null;
  /** The seq of the message that carries it, once that is known. */
  message_seq: number | null;
}

/** The attachment sub-port; the module comment above is its contract. */
export interface AttachmentStore {
  /** Records an upload (unclaimed unless `claimed_by` is set); throws when its id exists. */
  create(attachment: StoredAttachment): Promise<void>;
  /** The stored attachments among `ids`, in the order of `ids`. */
  byIds(ids: string[]): Promise<StoredAttachment[]>;
  /**
   * Claims every id for `claimant`, atomically all or none; answers null on success, else an id
   * that is not stored or is claimed by another claimant (then nothing changed).
   */
  claim(ids: string[], claimant: string): Promise<string | null>;
  /** Undoes `claimant`'s claim on these ids (a send that failed after claiming). */
  release(ids: string[], claimant: string): Promise<void>;
  /** Records the seq of the message that carries these attachments. */
  setSeq(ids: string[], seq: number): Promise<void>;
  /** Unclaimed attachments created before `createdBefore` (ISO time), oldest first. */
  unclaimed(createdBefore: string, limit: number): Promise<StoredAttachment[]>;
  /** Deletes an attachment's record; with `onlyUnclaimed`, only while unclaimed. */
  delete(id: string, options?: { onlyUnclaimed?: boolean }): Promise<boolean>;
}
