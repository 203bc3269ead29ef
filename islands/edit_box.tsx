/** Editing a message in place: Enter saves, Shift+Enter adds a line, Escape cancels. */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { limits } from "../lib/protocol/limits.ts";
import type { MessageActions } from "../lib/ui/message_actions.ts";

/** What the edit box needs. */
export interface EditBoxProps {
  actions: MessageActions;
  text: string;
}

/** Puts the caret back in the message box once editing ends (keyboard and mouse users). */
function backToComposer(): void {
  if (!matchMedia("(pointer: fine)").matches) return;
  queueMicrotask(() => document.getElementById("composer-input")?.focus());
}

/** The in-place editor of one message. */
export function EditBox({ actions, text }: EditBoxProps) {
  const error = useSignal<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const resize = () => {
    const el = box.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${el.scrollHeight}px`;
  };
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
    resize();
  }, []);
  const save = () => {
    const result = actions.saveEdit(box.current?.value ?? text);
    error.value = result.ok ? null : result.error;
    if (result.ok) backToComposer();
  };
  const cancel = () => {
    actions.cancelEdit();
    backToComposer();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      return cancel();
    }
    if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    save();
  };
  return (
    <form
      class="edit-box"
      data-testid="edit-box"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <label class="visually-hidden" for="edit-input">Edit message</label>
      <textarea
        id="edit-input"
        ref={box}
        class="edit-input"
        rows={1}
        maxLength={limits.maxTextChars}
        defaultValue={text}
        onKeyDown={onKeyDown}
        onInput={() => {
          error.value = null;
          resize();
        }}
        aria-describedby="edit-help edit-error"
      />
      <p id="edit-help" class="edit-help">
        Escape to{" "}
        <button
          type="button"
          class="link-button"
          onClick={cancel}
        >
          cancel
        </button>{" "}
        · Enter to <button type="submit" class="link-button">save</button>
      </p>
      <p id="edit-error" class="composer-note" role="alert">{error.value}</p>
    </form>
  );
}
