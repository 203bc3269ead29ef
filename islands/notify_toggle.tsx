/**
 * The explicit control that asks for notification permission: the browser is asked only when
 * the reader clicks it, never on load. Once answered it says what was decided.
 */
import type { ChatRuntime } from "./chat_runtime.ts";

/** The notifications control of the sidebar. */
export function NotifyToggle({ rt }: { rt: ChatRuntime }) {
  const permission = rt.notifier.permission.value;
  if (permission === "unsupported") return null;
  if (permission === "granted") {
    return <p class="muted notify-state">Notifications on</p>;
  }
  if (permission === "denied") {
    return (
      <p class="muted notify-state">
        Notifications blocked in the browser settings
      </p>
    );
  }
  return (
    <button
      type="button"
      class="link-button"
      onClick={() => void rt.notifier.enable()}
    >
      Turn on notifications
    </button>
  );
}
