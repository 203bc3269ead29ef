/**
 * The message box: Enter sends, Shift+Enter adds a line, typing is announced (throttled by the
 * controller) and stopped on send or blur. The box grows with its text up to a limit. It also
 * shows the message being replied to, completes `@` mentions, and Up in an empty box edits the
 * reader's last message.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { ReplyIcon, SendIcon } from "../components/icons.tsx";
import { UploadTray } from "../components/upload_tray.tsx";
import { excerpt } from "../components/reply_quote.tsx";
import { limits } from "../lib/protocol/limits.ts";
import type { ChatRuntime } from "./chat_runtime.ts";
import {
  MentionList,
  useMentionAutocomplete,
} from "./mention_autocomplete.tsx";

/** What the composer needs. */
export interface ComposerProps {
  rt: ChatRuntime;
  groupId: string;
  name: string;
}

/** The message box of the open group. */
export function Composer({ rt, groupId, name }: ComposerProps) {
  const { controller, model, actions, uploads } = rt;
  const text = useSignal("");
  const error = useSignal<string | null>(null);
  const attached = uploads.items.value.filter((u) => u.group_id === groupId);
  const fileInput = useRef<HTMLInputElement>(null);
  const attach = (files: Iterable<File>) => {
    error.value = uploads.add(groupId, files);
  };
  const box = useRef<HTMLTextAreaElement>(null);
  const meId = model.me.value?.id;
  const names = (model.members.value.get(groupId) ?? [])
    .filter((m) => m.id !== meId).map((m) => m.username);
  const ac = useMentionAutocomplete(names, (t) => (text.value = t));
  const replySeq = model.composing.replyIn(groupId);
  const replyTo = replySeq === null
    ? undefined
    : model.messageOf(groupId, replySeq);

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
  // Choosing Reply puts the caret in the box.
  useEffect(() => {
    if (replySeq !== null) box.current?.focus();
  }, [replySeq]);

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
  // Pasted files (a screenshot, say) are attached; pasted text is typed as usual.
  const onPaste = (e: ClipboardEvent) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!files.length) return;
    e.preventDefault();
    attach(files);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const el = e.currentTarget as HTMLTextAreaElement;
    if (e.isComposing || e.keyCode === 229) return;
    if (ac.onKeyDown(e, el)) return;
    if (e.key === "Escape" && replySeq !== null) {
      e.preventDefault();
      return actions.cancelReply();
    }
    if (e.key === "ArrowUp" && !el.value && actions.editLast()) {
      e.preventDefault();
      return;
    }
    if (e.key !== "Enter" || e.shiftKey) return;
    e.preventDefault();
    send();
  };
  const onInput = (e: Event) => {
    const el = e.currentTarget as HTMLTextAreaElement;
    text.value = el.value;
    error.value = null;
    ac.update(el);
    if (text.value.trim()) controller.noteTyping();
    else controller.stopTyping();
    resize();
  };
  const caretMoved = (e: Event) =>
    ac.update(e.currentTarget as HTMLTextAreaElement);
  const left = limits.maxTextChars - text.value.length;
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {replySeq !== null
        ? (
          <div class="reply-bar" data-testid="reply-bar">
            <ReplyIcon />
            <span class="reply-bar-text">
              Replying to{" "}
              <strong>{replyTo?.author.username ?? "a message"}</strong>
              {replyTo && !replyTo.deleted
                ? <span class="muted">{excerpt(replyTo.text, 80)}</span>
                : null}
            </span>
            <button
              type="button"
              class="link-button"
              aria-label="Cancel reply"
              onClick={() => actions.cancelReply()}
            >
              Cancel
            </button>
          </div>
        )
        : null}
      <MentionList ac={ac} box={box} />
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
        onKeyUp={(e) => {
          if (e.key === "ArrowLeft" || e.key === "ArrowRight") caretMoved(e);
        }}
        onClick={caretMoved}
        onBlur={() => controller.stopTyping()}
        aria-describedby="composer-help composer-error"
        {...ac.comboboxProps}
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
        Enter sends. Shift and Enter adds a line. Up edits your last message.
        Type @ to mention someone.
      </p>
      <p id="composer-error" class="composer-note" role="alert">
        {error.value ?? (left < 200 ? `${left} characters left` : "")}
      </p>
    </form>
  );
}
