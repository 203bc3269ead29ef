/** A small emoji picker: a grid of buttons (recently used first), no external service. */
import { useLayoutEffect, useRef } from "preact/hooks";

/** What the picker needs. */
export interface EmojiPickerProps {
  emojis: readonly string[];
  /** How many of `emojis` are recently used (shown first, under their own label). */
  recent: number;
  onPick(emoji: string): void;
  onClose(): void;
}

function Grid(
  { emojis, onPick }: { emojis: readonly string[]; onPick(e: string): void },
) {
  return (
    <div class="emoji-grid">
      {emojis.map((emoji) => (
        <button
          key={emoji}
          type="button"
          class="emoji"
          aria-label={`React with ${emoji}`}
          data-emoji={emoji}
          onClick={() => onPick(emoji)}
        >
          {emoji}
        </button>
      ))}
    </div>
  );
}

/**
 * The picker, shown under a message (its row gives it the focus). Escape closes it wherever the
 * focus went since: a live update re-rendering the message list may move the focus out of it,
 * and a picker deaf to Escape then stays open.
 */
export function EmojiPicker(
  { emojis, recent, onPick, onClose }: EmojiPickerProps,
) {
  const close = useRef(onClose);
  close.current = onClose;
  // A layout effect, on at once: a plain effect waits for the next frame, and an Escape pressed
  // before that (a busy or background tab) found the picker deaf.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") close.current();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
  return (
    <div
      class="emoji-picker"
      role="dialog"
      aria-label="Pick a reaction"
      data-testid="emoji-picker"
      onKeyDown={(e) => {
        if (e.key !== "Escape") return;
        e.stopPropagation();
        onClose();
      }}
    >
      {recent
        ? (
          <>
            <p class="emoji-picker-label">Recently used</p>
            <Grid emojis={emojis.slice(0, recent)} onPick={onPick} />
            <p class="emoji-picker-label">More</p>
          </>
        )
        : null}
      <Grid emojis={emojis.slice(recent)} onPick={onPick} />
    </div>
  );
}
