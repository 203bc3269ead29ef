/** `ping`: keep-alive. Answer: `pong`. */
import type { FrameOf } from "../../lib/protocol/client_frames.ts";
import type { Connection } from "../connection.ts";

export function handlePing(
  connection: Connection,
  frame: FrameOf<"ping">,
): Promise<void> {
  connection.send({
    type: "pong",
    ...(frame.ref === undefined ? {} : { ref: frame.ref }),
  });
  return Promise.resolve();
}
