/** The create-group and join-group dialogs of the sidebar. */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { Group } from "../lib/protocol/types.ts";
import { ApiError } from "../lib/ui/api_client.ts";
import { parseInviteLink } from "../lib/ui/urls.ts";
import { groupNameProblem } from "../lib/ui/validation.ts";
import type { ChatRuntime } from "./chat_runtime.ts";
import { Modal } from "./modal.tsx";

/** A sentence for any failure. */
export function errorText(err: unknown): string {
  return err instanceof ApiError
    ? err.message
    : "Something went wrong. Try again.";
}

interface DialogProps {
  rt: ChatRuntime;
  open: boolean;
  onClose(): void;
}

/** Name and visibility of a new group. */
export function CreateGroupDialog({ rt, open, onClose }: DialogProps) {
  const name = useSignal("");
  const isPublic = useSignal(false);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    error.value = groupNameProblem(name.value);
    if (error.value || busy.value) return;
    busy.value = true;
    try {
      await rt.controller.createGroup(name.value.trim(), isPublic.value);
      name.value = "";
      isPublic.value = false;
      onClose();
    } catch (err) {
      error.value = errorText(err);
    } finally {
      busy.value = false;
    }
  };
  return (
    <Modal
      id="create-group"
      open={open}
      title="Create a group"
      onClose={onClose}
    >
      <form class="form" onSubmit={submit} noValidate>
        <label for="new-group-name">Name</label>
        <input
          id="new-group-name"
          class="input"
          maxLength={100}
          required
          autoFocus
          value={name.value}
          onInput={(e) => (name.value = e.currentTarget.value)}
          aria-invalid={error.value ? true : undefined}
          aria-describedby="new-group-error"
        />
        <label class="check">
          <input
            type="checkbox"
            checked={isPublic.value}
            onChange={(e) => (isPublic.value = e.currentTarget.checked)}
          />
          <span>Public: anyone can find it and join</span>
        </label>
        <p id="new-group-error" class="form-error" role="alert">
          {error.value}
        </p>
        <div class="modal-actions">
          <button type="button" class="button" onClick={onClose}>Cancel</button>
          <button
            type="submit"
            class="button button--primary"
            disabled={busy.value}
          >
            {busy.value ? "Creating…" : "Create"}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Public groups to join, and a box for an invite link. */
export function JoinGroupDialog({ rt, open, onClose }: DialogProps) {
  const groups = useSignal<Group[] | null>(null);
  const link = useSignal("");
  const error = useSignal<string | null>(null);
  const busy = useSignal<string | null>(null);
  useEffect(() => {
    if (!open) return;
    groups.value = null;
    error.value = null;
    rt.api.publicGroups().then((g) => (groups.value = g), (err) => {
      groups.value = [];
      error.value = errorText(err);
    });
  }, [open]);
  const join = async (groupId: string, code?: string) => {
    if (busy.value) return;
    busy.value = groupId;
    error.value = null;
    try {
      await rt.controller.joinGroup(groupId, code);
      link.value = "";
      onClose();
    } catch (err) {
      error.value = errorText(err);
    } finally {
      busy.value = null;
    }
  };
  const joinByLink = (e: Event) => {
    e.preventDefault();
    const invite = parseInviteLink(link.value);
    if (!invite) {
      error.value = "Paste a full invite link, like https://…/join/…?code=…";
      return;
    }
    void join(invite.groupId, invite.code ?? undefined);
  };
  const mine = new Set(rt.model.groups.value.map((g) => g.id));
  return (
    <Modal id="join-group" open={open} title="Join a group" onClose={onClose}>
      <h3 class="modal-subtitle">Public groups</h3>
      {groups.value === null
        ? <p class="muted">Loading…</p>
        : groups.value.length === 0
        ? <p class="muted">No public groups yet.</p>
        : (
          <ul class="public-groups">
            {groups.value.map((g) => (
              <li key={g.id}>
                <span class="public-name">{g.name}</span>
                {mine.has(g.id) ? <span class="muted">Joined</span> : (
                  <button
                    type="button"
                    class="button button--small"
                    disabled={busy.value !== null}
                    onClick={() => join(g.id)}
                    aria-label={`Join ${g.name}`}
                  >
                    {busy.value === g.id ? "Joining…" : "Join"}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      <form class="form" onSubmit={joinByLink} noValidate>
        <label for="invite-link">Invite link</label>
        <div class="input-row">
          <input
            id="invite-link"
            class="input"
            placeholder="https://…/join/…?code=…"
            value={link.value}
            onInput={(e) => (link.value = e.currentTarget.value)}
          />
          <button
            type="submit"
            class="button button--primary"
            disabled={busy.value !== null}
          >
            Join
          </button>
        </div>
        <p class="form-error" role="alert">{error.value}</p>
      </form>
      <div class="modal-actions">
        <button type="button" class="button" onClick={onClose}>Close</button>
      </div>
    </Modal>
  );
}
