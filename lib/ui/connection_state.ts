/** The shapes of the connection indicator and of one-line notices. */
import { signal } from "@preact/signals-core";

/** What the connection indicator shows. */
export type ConnectionStatus =
  | "connecting"
  | "connected"
  | "reconnecting"
  | "offline"
  | "unauthorized";

/** The connection state and how many reconnects have failed in a row. */
export interface ConnectionState {
  readonly status: ConnectionStatus;
  readonly attempt: number;
}

/** A one-line message for the reader (server notices, errors not tied to a message). */
export interface Notice {
  readonly text: string;
  readonly level: "info" | "warning";
}

/** The connection indicator and the one-line notice of one tab. */
export class StatusLine {
  readonly connection = signal<ConnectionState>({
    status: "connecting",
    attempt: 0,
  });
  readonly notice = signal<Notice | null>(null);

  /** Updates the connection indicator. */
  setConnection(status: ConnectionStatus, attempt = 0): void {
    const c = this.connection.value;
    if (c.status !== status || c.attempt !== attempt) {
      this.connection.value = { status, attempt };
    }
  }

  /** Shows a one-line notice. */
  show(text: string, level: Notice["level"] = "info"): void {
    this.notice.value = { text, level };
  }

  /** Hides the notice. */
  dismiss(): void {
    this.notice.value = null;
  }
}
