/**
 * The message box: Enter sends, Shift+Enter adds a line, typing is announced (throttled by the
 * controller) and stopped on send or blur. The box grows with its text up to a limit.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { SendIcon } from "../components/icons.tsx";
import { limits } from "../lib/protocol/limits.ts";
import type { ChatRuntime } from "./chat_runtime.ts";

/** What the composer needs. */
export interface ComposerProps {
  rt: ChatRuntime;
  name: string;
}

/** The message box of the open group. */
export function Composer({ rt, name }: ComposerProps) {
  const { controller } = rt;
  const text = useSignal("");
  const error = useSignal<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);

  const resize = () => {
    const el = box.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${el.scrollHeight}px`;
  };
  useEffect(() => {
    // Focus for keyboard and mouse users; on touch screens it would pop the keyboard up.
    if (matchMedia("(pointer: fine)").matches) box.current?.focus();
  }, []);

  const send = () => {
    const result = controller.send(text.value);
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    error.value = null;
    text.value = "";
    if (box.current) box.current.value = "";
    resize();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "Enter" || e.shiftKey || e.isComposing || e.keyCode === 229) {
      return;
    }
    e.preventDefault();
    send();
  };
  const onInput = (e: Event) => {
    text.value = (e.currentTarget as HTMLTextAreaElement).value;
    error.value = null;
    if (text.value.trim()) controller.noteTyping();
    else controller.stopTyping();
    resize();
  };
  const left = limits.maxTextChars - text.value.length;
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label for="composer-input" class="visually-hidden">Message {name}</label>
      <textarea
        id="composer-input"
        ref={box}
        class="composer-input"
        rows={1}
        maxLength={limits.maxTextChars}
        placeholder={`Message ${name}`}
        value={text.value}
        onInput={onInput}
        onKeyDown={onKeyDown}
        onBlur={() => controller.stopTyping()}
        aria-describedby="composer-help composer-error"
      />
      <button
        type="submit"
        class="composer-send"
        aria-label="Send"
        disabled={!text.value.trim()}
      >
        <SendIcon />
      </button>
      <p id="composer-help" class="visually-hidden">
        Enter sends. Shift and Enter adds a line.
      </p>
      <p id="composer-error" class="composer-note" role="alert">
        {error.value ?? (left < 200 ? `${left} characters left` : "")}
      </p>
    </form>
  );
}
