/**
 * `@` in the composer: a list of the group's members matching what is typed after it, navigable
 * with the arrow keys, chosen with Enter or Tab, closed with Escape. The textarea stays focused
 * (an ARIA combobox); the list is stateless markup under it.
 */
import { useSignal } from "@preact/signals";
import {
  completeMention,
  mentionCandidates,
  type MentionQuery,
  mentionQueryAt,
} from "../lib/ui/mentions.ts";

/** The autocomplete's state and handlers, for the composer. */
export interface MentionAutocomplete {
  /** Names offered now (empty when closed). */
  options: string[];
  active: number;
  /** Re-reads the word at the caret (after input, a click or a caret key). */
  update(box: HTMLTextAreaElement): void;
  /** Handles a key; true when it was the list's (the composer must not act on it). */
  onKeyDown(e: KeyboardEvent, box: HTMLTextAreaElement): boolean;
  /** Inserts a name as chosen by a click. */
  choose(name: string, box: HTMLTextAreaElement): void;
  /** Attributes for the textarea. */
  comboboxProps: Record<string, string | boolean | undefined>;
}

const listId = "mention-list";
const optionId = (i: number) => `mention-option-${i}`;

/** The autocomplete over `names` (the group's members, the reader left out). */
export function useMentionAutocomplete(
  names: readonly string[],
  onText: (text: string) => void,
): MentionAutocomplete {
  const query = useSignal<MentionQuery | null>(null);
  const active = useSignal(0);
  const dismissedAt = useSignal<number | null>(null);
  const q = query.value;
  const options = q && dismissedAt.value !== q.start
    ? mentionCandidates(names, q.query)
    : [];
  const index = Math.min(active.value, Math.max(0, options.length - 1));

  const update = (box: HTMLTextAreaElement) => {
    const next = mentionQueryAt(box.value, box.selectionStart ?? 0);
    if (next?.start !== q?.start || next?.query !== q?.query) active.value = 0;
    if (next?.start !== dismissedAt.value) dismissedAt.value = null;
    query.value = next;
  };
  const choose = (name: string, box: HTMLTextAreaElement) => {
    if (!q) return;
    const done = completeMention(box.value, q, name);
    box.value = done.text;
    box.setSelectionRange(done.caret, done.caret);
    onText(done.text);
    query.value = null;
  };
  const onKeyDown = (e: KeyboardEvent, box: HTMLTextAreaElement) => {
    if (!options.length || !q) return false;
    const move = (
      by: number,
    ) => (active.value = (index + by + options.length) % options.length);
    if (e.key === "ArrowDown") move(1);
    else if (e.key === "ArrowUp") move(-1);
    else if (e.key === "Enter" || e.key === "Tab") choose(options[index], box);
    else if (e.key === "Escape") dismissedAt.value = q.start;
    else return false;
    e.preventDefault();
    return true;
  };
  return {
    options,
    active: index,
    update,
    onKeyDown,
    choose,
    comboboxProps: {
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": options.length > 0,
      "aria-controls": listId,
      "aria-activedescendant": options.length ? optionId(index) : undefined,
    },
  };
}

/** The list of offered names. */
export function MentionList(
  { ac, box }: {
    ac: MentionAutocomplete;
    box: { current: HTMLTextAreaElement | null };
  },
) {
  return (
    <ul
      id={listId}
      class="mention-list"
      role="listbox"
      aria-label="Mention a member"
      hidden={!ac.options.length}
      data-testid="mention-list"
    >
      {ac.options.map((name, i) => (
        <li
          key={name}
          id={optionId(i)}
          role="option"
          aria-selected={i === ac.active}
          class={i === ac.active
            ? "mention-option is-active"
            : "mention-option"}
          // mousedown, not click: the textarea must keep focus and its caret.
          onMouseDown={(e) => {
            e.preventDefault();
            if (box.current) ac.choose(name, box.current);
          }}
        >
          @{name}
        </li>
      ))}
    </ul>
  );
}
