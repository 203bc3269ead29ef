/** A small emoji picker: a grid of buttons (recently used first), no external service. */

/** What the picker needs. */
export interface EmojiPickerProps {
  emojis: readonly string[];
  /** How many of `emojis` are recently used (shown first, under their own label). */
  recent: number;
  onPick(emoji: string): void;
  onClose(): void;
}

/** The picker, shown under a message. Escape closes it. */
export function EmojiPicker(
  { emojis, recent, onPick, onClose }: EmojiPickerProps,
) {
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
      {recent ? <p class="emoji-picker-label">Recently used</p> : null}
      <div class="emoji-grid">
        {emojis.map((emoji, i) => (
          <button
            key={emoji}
            type="button"
            class={i < recent ? "emoji emoji--recent" : "emoji"}
            aria-label={`React with ${emoji}`}
            data-emoji={emoji}
            onClick={() => onPick(emoji)}
          >
            {emoji}
          </button>
        ))}
      </div>
    </div>
  );
}
