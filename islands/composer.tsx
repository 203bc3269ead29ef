/**
 * The message box: Enter sends, Shift+Enter adds a line, typing is announced (throttled by the
 * controller) and stopped on send or blur. The box grows with its text up to a limit.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { SendIcon } from "../components/icons.tsx";
import { UploadTray } from "../components/upload_tray.tsx";
import { limits } from "../lib/protocol/limits.ts";
import type { ChatRuntime } from "./chat_runtime.ts";

/** What the composer needs. */
export interface ComposerProps {
  rt: ChatRuntime;
  name: string;
}

/** The message box of the open group. */
export function Composer({ rt, name }: ComposerProps) {
  const { controller, uploads } = rt;
  const groupId = rt.model.activeGroupId.value ?? "";
  const attached = uploads.items.value.filter((u) => u.group_id === groupId);
  const fileInput = useRef<HTMLInputElement>(null);
  const attach = (files: Iterable<File>) => {
    error.value = uploads.add(groupId, files);
  };
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
    if (uploads.busy(groupId)) {
      error.value = "Wait for the files to finish uploading.";
      return;
    }
    if (attached.some((u) => u.status === "failed")) {
      error.value = "Retry or remove the files that failed.";
      return;
    }
    const result = controller.send(text.value, uploads.readyIds(groupId));
    if (!result.ok) {
      error.value = result.error;
      return;
    }
    uploads.takeGroup(groupId);
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
  // Pasted files (a screenshot, say) are attached; pasted text is typed as usual.
  const onPaste = (e: ClipboardEvent) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    attach(files);
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
      <UploadTray
        items={attached}
        onCancel={(key) => uploads.cancel(key)}
        onRetry={(key) => uploads.retry(key)}
      />
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(e) => {
          const input = e.currentTarget as HTMLInputElement;
          attach([...(input.files ?? [])]);
          input.value = "";
        }}
      />
      <button
        type="button"
        class="composer-attach"
        aria-label="Attach files"
        title="Attach files"
        onClick={() => fileInput.current?.click()}
      >
        +
      </button>
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
        onPaste={onPaste}
        onBlur={() => controller.stopTyping()}
        aria-describedby="composer-help composer-error"
      />
      <button
        type="submit"
        class="composer-send"
        aria-label="Send"
        disabled={!text.value.trim() &&
          !attached.some((u) => u.status === "done")}
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
