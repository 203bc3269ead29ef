/** "Alice is typing…" under the messages; always present so the layout does not jump. */
import { typingLine } from "../lib/ui/typing_state.ts";

/** The typing line of the open group. */
export function TypingLine({ names }: { names: readonly string[] }) {
  const text = typingLine(names);
  return (
    <div class="typing" aria-live="polite" data-testid="typing">
      {text ? <span class="typing-dots" aria-hidden="true" /> : null}
      {text}
    </div>
  );
}
