/** Reactions under a message: one chip per emoji with its count, who reacted, and "add". */
import { SmileIcon } from "./icons.tsx";

/** What the chips need. */
export interface ReactionChipsProps {
  reactions: Readonly<Record<string, readonly string[]>>;
  meId: string | null;
  nameOf(userId: string): string;
  /** Absent for a reader who cannot react (a pending or deleted message). */
  onToggle?(emoji: string): void;
  onAdd?(): void;
}

/** "alice, bob and carol". */
export function namesText(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** The reaction chips of one message (nothing when it has none). */
export function ReactionChips(
  { reactions, meId, nameOf, onToggle, onAdd }: ReactionChipsProps,
) {
  const entries = Object.entries(reactions).filter(([, ids]) => ids.length);
  if (!entries.length) return null;
  return (
    <div class="reactions" data-testid="reactions">
      {entries.map(([emoji, ids]) => {
        const mine = !!meId && ids.includes(meId);
        const who = namesText(
          ids.map((id) => (id === meId ? "you" : nameOf(id))),
        );
        return (
          <button
            key={emoji}
            type="button"
            class={mine ? "reaction reaction--mine" : "reaction"}
            aria-pressed={mine}
            title={`${who} reacted with ${emoji}`}
            aria-label={`${emoji} ${ids.length}, by ${who}. ${
              mine ? "Remove your reaction" : "Add yours"
            }`}
            data-testid="reaction"
            data-emoji={emoji}
            disabled={!onToggle}
            onClick={() => onToggle?.(emoji)}
          >
            <span class="reaction-emoji" aria-hidden="true">{emoji}</span>
            <span class="reaction-count" aria-hidden="true">{ids.length}</span>
          </button>
        );
      })}
      {onAdd
        ? (
          <button
            type="button"
            class="reaction reaction--add"
            aria-label="Add a reaction"
            title="Add a reaction"
            onClick={onAdd}
          >
            <SmileIcon />
          </button>
        )
        : null}
    </div>
  );
}
