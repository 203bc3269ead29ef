/** The `/join/:id?code=…` page: one button that joins the group and opens it. */
import { useSignal } from "@preact/signals";
import { ApiClient, ApiError } from "../lib/ui/api_client.ts";

/** Props the server passes. */
export interface JoinInviteProps {
  groupId: string;
  code: string | null;
  username: string;
}

/** The join-by-invite card. */
export function JoinInvite({ groupId, code, username }: JoinInviteProps) {
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const join = async () => {
    busy.value = true;
    error.value = null;
    try {
      const group = await new ApiClient().joinGroup(groupId, code ?? undefined);
      location.assign(`/?group=${encodeURIComponent(group.id)}`);
    } catch (err) {
      error.value = err instanceof ApiError && err.status === 403
        ? "This invite link is not valid any more. Ask for a new one."
        : err instanceof ApiError
        ? err.message
        : "Something went wrong. Try again.";
      busy.value = false;
    }
  };
  return (
    <div class="join">
      <h1 class="auth-title">You are invited</h1>
      <p class="muted">
        Join this group as <strong>{username}</strong>?
      </p>
      <p class="form-error" role="alert">{error.value}</p>
      <button
        type="button"
        class="button button--primary button--wide"
        disabled={busy.value}
        onClick={join}
      >
        {busy.value ? "Joining…" : "Join group"}
      </button>
      <p class="auth-switch">
        <a href="/">Back to your groups</a>
      </p>
    </div>
  );
}
