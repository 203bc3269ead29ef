/** Shows a group's invite link with a copy button. */
import { useSignal } from "@preact/signals";
import type { Group } from "../lib/protocol/types.ts";
import { inviteLink } from "../lib/ui/urls.ts";
import { Modal } from "./modal.tsx";

/** What the invite dialog needs. */
export interface InviteDialogProps {
  group: Group;
  open: boolean;
  onClose(): void;
}

/** The invite dialog. */
export function InviteDialog({ group, open, onClose }: InviteDialogProps) {
  const copied = useSignal<string | null>(null);
  const origin = typeof location === "undefined" ? "" : location.origin;
  const link = group.invite_code
    ? inviteLink(origin, group.id, group.invite_code)
    : `${origin}/join/${encodeURIComponent(group.id)}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      copied.value = "Copied to the clipboard.";
    } catch {
      copied.value = "Select the link and copy it.";
    }
  };
  return (
    <Modal
      id="invite"
      open={open}
      title={`Invite people to ${group.name}`}
      onClose={onClose}
    >
      <p class="muted">Anyone with this link can join the group.</p>
      <div class="input-row">
        <label for="invite-url" class="visually-hidden">Invite link</label>
        <input
          id="invite-url"
          class="input"
          readOnly
          value={link}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" class="button button--primary" onClick={copy}>
          Copy
        </button>
      </div>
      <p class="form-status" role="status">{copied.value}</p>
      <div class="modal-actions">
        <button type="button" class="button" onClick={onClose}>Done</button>
      </div>
    </Modal>
  );
}
