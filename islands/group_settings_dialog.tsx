/**
 * Group settings for its owner and admins (PROTOCOL.md §6): name, description, public or
 * private, and a new invite link that makes the old one stop working.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { Group } from "../lib/protocol/types.ts";
import { inviteLink } from "../lib/ui/urls.ts";
import { groupNameProblem } from "../lib/ui/validation.ts";
import type { ChatRuntime } from "./chat_runtime.ts";
import { Modal } from "./modal.tsx";
import { useAction } from "./use_action.ts";

/** §6: descriptions are 0–500 characters. */
const maxDescription = 500;

/** What the settings dialog needs. */
export interface GroupSettingsDialogProps {
  rt: ChatRuntime;
  group: Group;
  open: boolean;
  onClose(): void;
}

/** The settings dialog. */
export function GroupSettingsDialog(
  { rt, group, open, onClose }: GroupSettingsDialogProps,
) {
  const name = useSignal(group.name);
  const description = useSignal(group.description ?? "");
  const isPublic = useSignal(group.public);
  const { busy, error, run } = useAction();
  const status = useSignal<string | null>(null);
  const unbanName = useSignal("");
  // Each opening starts from the group as it is now (others may have changed it).
  useEffect(() => {
    if (!open) return;
    name.value = group.name;
    description.value = group.description ?? "";
    isPublic.value = group.public;
    error.value = status.value = null;
    unbanName.value = "";
  }, [open]);

  const act = async (work: () => Promise<unknown>, done: string) => {
    status.value = null;
    if (await run(work)) status.value = done;
  };
  const save = (e: Event) => {
    e.preventDefault();
    error.value = groupNameProblem(name.value) ??
      (description.value.length > maxDescription
        ? `Descriptions are at most ${maxDescription} characters.`
        : null);
    if (error.value) return;
    void act(() =>
      rt.admin.updateGroup(group.id, {
        name: name.value.trim(),
        description: description.value.trim(),
        public: isPublic.value,
      }), "Saved.");
  };
  const rotate = () => {
    if (!confirm("Make a new invite link? The current link stops working.")) {
      return;
    }
    void act(
      () => rt.admin.rotateInvite(group.id),
      "New invite link made; the old one no longer works.",
    );
  };
  const unban = () => {
    const who = unbanName.value.trim();
    if (!who) {
      error.value = "Enter the username to let back in.";
      return;
    }
    void act(async () => {
      await rt.admin.unban(group.id, who);
      unbanName.value = "";
    }, `${who} may join again.`);
  };
  const origin = typeof location === "undefined" ? "" : location.origin;
  return (
    <Modal
      id="group-settings"
      open={open}
      title={`Settings of ${group.name}`}
      onClose={onClose}
    >
      <form class="form" onSubmit={save} noValidate>
        <label for="settings-name">Name</label>
        <input
          id="settings-name"
          class="input"
          maxLength={100}
          required
          value={name.value}
          onInput={(e) => (name.value = e.currentTarget.value)}
        />
        <label for="settings-description">Description</label>
        <textarea
          id="settings-description"
          class="input"
          rows={3}
          maxLength={maxDescription}
          value={description.value}
          onInput={(e) => (description.value = e.currentTarget.value)}
        />
        <label class="check">
          <input
            id="settings-public"
            type="checkbox"
            checked={isPublic.value}
            onChange={(e) => (isPublic.value = e.currentTarget.checked)}
          />
          <span>Public: anyone can find it and join</span>
        </label>
        <label for="settings-invite">Invite link</label>
        <div class="input-row">
          <input
            id="settings-invite"
            class="input"
            readOnly
            value={group.invite_code
              ? inviteLink(origin, group.id, group.invite_code)
              : ""}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button
            type="button"
            class="button"
            disabled={busy.value}
            onClick={rotate}
          >
            New link
          </button>
        </div>
        <label for="settings-unban">Let a banned person join again</label>
        <div class="input-row">
          <input
            id="settings-unban"
            class="input"
            maxLength={32}
            autoComplete="off"
            placeholder="Exact username"
            value={unbanName.value}
            onInput={(e) => (unbanName.value = e.currentTarget.value)}
          />
          <button
            type="button"
            class="button"
            disabled={busy.value}
            onClick={unban}
          >
            Unban
          </button>
        </div>
        <p class="form-error" role="alert">{error.value}</p>
        <p class="form-status" role="status">{status.value}</p>
        <div class="modal-actions">
          <button type="button" class="button" onClick={onClose}>Close</button>
          <button
            type="submit"
            class="button button--primary"
            disabled={busy.value}
          >
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}
