/**
 * Every frame the browser sends: the §2.2 frames parsed by the server's schemas, plus the §4
 * additions (`reply_to`, `since_rev`, and the frames that change a message), typed here so the
 * browser can speak §4 whatever the server's schemas already know.
 */
import type { ClientFrame, FrameOf } from "../protocol/client_frames.ts";

/** A change to an existing message (PROTOCOL.md §4); answered only by `message_update`. */
export type MessageChange =
  | { type: "edit"; group_id: string; seq: number; text: string }
  | { type: "delete"; group_id: string; seq: number }
  | {
    type: "react" | "unreact";
    group_id: string;
    seq: number;
    emoji: string;
  };

/** A frame the browser may send. */
export type OutgoingFrame =
  | Exclude<ClientFrame, { type: "message" | "subscribe" }>
  | (FrameOf<"message"> & { reply_to?: number })
  | (FrameOf<"subscribe"> & { since_rev?: Record<string, number> })
  | (MessageChange & { ref?: string });
