/**
 * The "Direct messages" part of the sidebar: the reader's DMs under the other person's name,
 * and a dialog to start one by exact username (no list of every user is ever shown).
 */
import { useSignal } from "@preact/signals";
import { GroupList } from "../components/group_list.tsx";
import { displayName, isDm } from "../lib/ui/roles.ts";
import type { ChatRuntime } from "./chat_runtime.ts";
import { Modal } from "./modal.tsx";
import { useAction } from "./use_action.ts";

/** What the DM section needs. */
export interface DmSectionProps {
  rt: ChatRuntime;
  onSelect(groupId: string): void;
}

/** The sidebar's direct messages. */
export function DmSection({ rt, onSelect }: DmSectionProps) {
  const { model } = rt;
  const starting = useSignal(false);
  const me = model.me.value?.username ?? null;
  const dms = model.groups.value.filter(isDm).map((g) => ({
    ...g,
    name: displayName(g, me),
  }));
  return (
    <nav class="sidebar-dms" aria-label="Direct messages">
      <div class="sidebar-section-head">
        <h2 class="sidebar-section-title">Direct messages</h2>
        <button
          type="button"
          class="icon-button"
          aria-label="New direct message"
          onClick={() => (starting.value = true)}
        >
          +
        </button>
      </div>
      {dms.length
        ? (
          <GroupList
            groups={dms}
            unread={model.unread.value}
            mentions={model.mentions.value}
            activeId={model.activeGroupId.value}
            onSelect={onSelect}
          />
        )
        : <p class="groups-empty">No direct messages yet.</p>}
      <StartDmDialog
        rt={rt}
        open={starting.value}
        onClose={() => (starting.value = false)}
      />
    </nav>
  );
}

interface StartDmDialogProps {
  rt: ChatRuntime;
  open: boolean;
  onClose(): void;
}

/** Asks for a username and opens the DM with that user. */
function StartDmDialog({ rt, open, onClose }: StartDmDialogProps) {
  const username = useSignal("");
  const { busy, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const name = username.value.trim();
    if (!name) {
      error.value = "Enter a username.";
      return;
    }
    if (await run(() => rt.admin.openDm(name))) {
      username.value = "";
      onClose();
    }
  };
  return (
    <Modal id="start-dm" open={open} title="Message someone" onClose={onClose}>
      <form class="form" onSubmit={submit} noValidate>
        <label for="dm-username">Their exact username</label>
        <input
          id="dm-username"
          class="input"
          maxLength={32}
          autoComplete="off"
          autoFocus
          value={username.value}
          onInput={(e) => (username.value = e.currentTarget.value)}
          aria-invalid={error.value ? true : undefined}
          aria-describedby="dm-error"
        />
        <p id="dm-error" class="form-error" role="alert">{error.value}</p>
        <div class="modal-actions">
          <button type="button" class="button" onClick={onClose}>Cancel</button>
          <button
            type="submit"
            class="button button--primary"
            disabled={busy.value}
          >
            Message
          </button>
        </div>
      </form>
    </Modal>
  );
}
