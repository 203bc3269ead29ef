/**
 * The community page island: sidebar, header and the open group, over one runtime (model,
 * socket, controller) created once per page. The server renders it with the user only; the
 * socket starts after hydration.
 */
import { effect } from "@preact/signals-core";
import { useSignal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import type { User } from "../lib/protocol/types.ts";
import { showTabCounts, total } from "../lib/ui/tab_badge.ts";
import { ChatHeader } from "./chat_header.tsx";
import { ChatPane } from "./chat_pane.tsx";
import { createChatRuntime } from "./chat_runtime.ts";
import { Sidebar } from "./sidebar.tsx";

/** Props the server passes (also serialised for hydration). */
export interface ChatAppProps {
  user: User;
  /** The group in the URL (`/?group=…`), opened once the groups are known. */
  initialGroupId: string | null;
}

/** The chat application. */
export function ChatApp({ user, initialGroupId }: ChatAppProps) {
  const [rt] = useState(() => createChatRuntime(user));
  const { model, controller } = rt;
  const navOpen = useSignal(false);
  const membersOpen = useSignal(false);

  useEffect(() => {
    membersOpen.value = matchMedia("(min-width: 1100px)").matches;
    rt.start();
    let opened = false;
    const stops = [
      // Open the group from the URL, or the first one, as soon as the groups arrive.
      effect(() => {
        const groups = model.groups.value;
        if (opened || !groups.length) return;
        opened = true;
        const pick = groups.find((g) => g.id === initialGroupId) ?? groups[0];
        queueMicrotask(() => void controller.openGroup(pick.id));
      }),
      // Keep the URL on the open group and close the phone menu when one is chosen.
      effect(() => {
        const id = model.activeGroupId.value;
        if (!id) return;
        navOpen.value = false;
        const url = `/?group=${encodeURIComponent(id)}`;
        if (location.pathname + location.search !== url) {
          history.replaceState(null, "", url);
        }
      }),
      // Unread messages and mentions in the tab title and the favicon badge.
      effect(() =>
        showTabCounts(document, {
          unread: total(model.unread.value),
          mentions: total(model.mentions.value),
        })
      ),
    ];
    return () => {
      stops.forEach((stop) => stop());
      rt.dispose();
    };
  }, []);

  const group = model.activeGroup.value;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" && navOpen.value) navOpen.value = false;
  };
  return (
    <div
      class={`app${navOpen.value ? " app--nav-open" : ""}`}
      onKeyDown={onKeyDown}
    >
      <a class="skip-link" href="#composer-input">Skip to the message box</a>
      <Sidebar rt={rt} onSelect={(id) => void controller.openGroup(id)} />
      <div
        class="scrim"
        aria-hidden="true"
        onClick={() => (navOpen.value = false)}
      />
      <main class="chat">
        <ChatHeader rt={rt} navOpen={navOpen} membersOpen={membersOpen} />
        {model.status.notice.value
          ? (
            <div
              class={`notice notice--${model.status.notice.value.level}`}
              role="status"
            >
              <span>{model.status.notice.value.text}</span>
              <button
                type="button"
                class="link-button"
                onClick={() => model.status.dismiss()}
              >
                Dismiss
              </button>
            </div>
          )
          : null}
        {group
          ? (
            <ChatPane
              key={group.id}
              rt={rt}
              group={group}
              showMembers={membersOpen.value}
            />
          )
          : (
            <div class="empty">
              <h2>
                {model.groups.value.length
                  ? "Pick a group"
                  : "Welcome to Salvioris"}
              </h2>
              <p class="muted">
                {model.groups.value.length
                  ? "Choose a group from the list to start chatting."
                  : "Create a group or join one to start chatting."}
              </p>
              <button
                type="button"
                class="button button--primary phone-only"
                onClick={() => (navOpen.value = true)}
              >
                Show groups
              </button>
            </div>
          )}
      </main>
    </div>
  );
}
