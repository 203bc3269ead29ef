/** Asks before a message is deleted: deleting erases it for everyone. */
import type { Signal } from "@preact/signals";
import { excerpt } from "../components/reply_quote.tsx";
import type { ChatRuntime } from "./chat_runtime.ts";
import { Modal } from "./modal.tsx";

/** What the dialog needs: the seq to delete in the open group, or null when closed. */
export interface DeleteDialogProps {
  rt: ChatRuntime;
  groupId: string;
  seq: Signal<number | null>;
}

/** The delete confirmation. */
export function DeleteDialog({ rt, groupId, seq }: DeleteDialogProps) {
  const target = seq.value === null
    ? undefined
    : rt.model.messageOf(groupId, seq.value);
  const close = () => (seq.value = null);
  return (
    <Modal
      id="delete-message"
      open={!!target}
      title="Delete this message?"
      onClose={close}
    >
      {target
        ? (
          <>
            <p class="modal-subtitle">
              It is removed for everyone, with its reactions. This cannot be
              undone.
            </p>
            <blockquote class="delete-preview">
              <strong>{target.author.username}</strong>{" "}
              {excerpt(target.text, 200)}
            </blockquote>
            <div class="modal-actions">
              <button type="button" class="button" onClick={close}>
                Cancel
              </button>
              <button
                type="button"
                class="button button--danger"
                onClick={() => {
                  void rt.actions.remove(target.seq);
                  close();
                }}
              >
                Delete
              </button>
            </div>
          </>
        )
        : null}
    </Modal>
  );
}
