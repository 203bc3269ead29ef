/** The small connection indicator: connected, connecting, reconnecting or offline. */
import type { ConnectionStatus } from "../lib/ui/connection_state.ts";

const labels: Record<ConnectionStatus, string> = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  unauthorized: "Signed out",
};

/** What the badge needs. */
export interface ConnectionBadgeProps {
  status: ConnectionStatus;
  /** Offered while reconnecting or offline. */
  onRetry?: () => void;
}

/** The connection indicator. */
export function ConnectionBadge({ status, onRetry }: ConnectionBadgeProps) {
  const retry = onRetry && (status === "reconnecting" || status === "offline");
  return (
    <div
      class={`conn conn--${status}`}
      role="status"
      data-testid="connection"
      data-status={status}
    >
      <span class="dot" aria-hidden="true" />
      <span class="conn-label">{labels[status]}</span>
      {retry
        ? (
          <button type="button" class="link-button" onClick={onRetry}>
            Retry now
          </button>
        )
        : null}
    </div>
  );
}
