/** The shapes of the connection indicator and of one-line notices. */

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
