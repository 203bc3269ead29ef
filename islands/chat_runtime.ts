/**
 * Wires the framework-free core to the browser: one model, one API client, one socket, one
 * controller per page, and the window events that matter (network, tab visibility). Building it
 * has no side effects, so the server can render the app with it; `start()` runs in the browser.
 */
import { effect } from "@preact/signals-core";
import type { User } from "../lib/protocol/types.ts";
import { ApiClient } from "../lib/ui/api_client.ts";
import { ChatController } from "../lib/ui/chat_controller.ts";
import { ChatModel } from "../lib/ui/chat_model.ts";
import { MessageActions } from "../lib/ui/message_actions.ts";
import { systemClock } from "../lib/ui/clock.ts";
import { GroupAdmin } from "../lib/ui/group_admin.ts";
import { InactivityWatch, inputEvents } from "../lib/ui/inactivity.ts";
import { httpGroupAdminApi } from "../lib/ui/group_admin_api.ts";
import { browserNotifications, Notifier } from "../lib/ui/notifier.ts";
import { SocketClient } from "../lib/ui/socket_client.ts";
import { gatewayUrl, webSocketFactory } from "../lib/ui/web_socket_factory.ts";
import { UploadQueue } from "../lib/ui/uploads.ts";
import { xhrUpload } from "../lib/ui/xhr_upload.ts";

/** Everything the chat islands share. */
export interface ChatRuntime {
  model: ChatModel;
  api: ApiClient;
  socket: SocketClient;
  controller: ChatController;
  /** §5: files being attached to the next message. */
  uploads: UploadQueue;
  /** Group settings, roles, removal, DMs and mute (PROTOCOL.md §6). */
  admin: GroupAdmin;
  /** Browser notifications for mentions and DMs in a hidden tab. */
  notifier: Notifier;
  /** Reply, edit, delete and react. */
  actions: MessageActions;
  /** Connects and listens to window events (browser only). */
  start(): void;
  /** Disconnects and removes every listener and timer. */
  dispose(): void;
}

/**
 * Sends the reader to the login page, coming back here afterwards. `expired` makes the page
 * show the form even if it still sees a session, so a disagreement cannot loop.
 */
export function goToLogin(): void {
  const next = encodeURIComponent(location.pathname + location.search);
  location.assign(`/login?next=${next}&expired=1`);
}

/** Builds the runtime for a signed-in user. */
export function createChatRuntime(user: User): ChatRuntime {
  const clock = systemClock;
  const model = new ChatModel({ clock });
  model.me.value = user;
  const api = new ApiClient();
  // deno-lint-ignore prefer-const
  let controller: ChatController;
  // deno-lint-ignore prefer-const
  let admin: GroupAdmin;
  const hidden = () =>
    typeof document !== "undefined" && document.visibilityState === "hidden";
  const notifier = new Notifier({
    port: browserNotifications(),
    hidden,
    focus: (groupId, seq) => {
      globalThis.focus?.();
      // The same jump as a reply quote's: loads the page around it if needed, then flashes it.
      void controller.openGroup(groupId).then(() =>
        controller.history.jumpTo(groupId, seq)
      );
    },
  });
  const socket = new SocketClient({
    url: typeof location === "undefined" ? "" : gatewayUrl(location),
    model,
    clock,
    createSocket: webSocketFactory,
    onUnauthorized: goToLogin,
    onResync: (groupId) => void controller.resync(groupId),
    onFrame: (frame) => {
      controller.noteFrame(frame);
      if (
        frame.type === "group_updated" || frame.type === "group_added" ||
        frame.type === "member_updated"
      ) {
        return admin.applyFrame(frame);
      }
      if (frame.type !== "message") return;
      notifier.noteMessage(frame.message, {
        meId: model.me.value?.id ?? null,
        myName: model.me.value?.username ?? null,
        group: model.groups.value.find((g) => g.id === frame.group_id),
      });
    },
  });
  controller = new ChatController({ model, api, gateway: socket, clock });
  admin = new GroupAdmin({
    model,
    api: httpGroupAdminApi(api),
    subscribeFromStart: (id) =>
      void socket.send({
        type: "subscribe",
        group_ids: [id],
        since: { [id]: 0 },
      }),
    open: (id) => void controller.openGroup(id),
  });

  // Idle after a few minutes without input: told to the server as presence_status, and again
  // on every new socket (a socket that never reports does not count as there or away).
  const tellIdle = (idle: boolean) =>
    void socket.send({ type: "presence_status", idle });
  const inactivity = new InactivityWatch({ clock, onChange: tellIdle });
  const input = () => inactivity.noteInput();
  let stopTelling: (() => void) | null = null;
  const actions = new MessageActions({
    model,
    api,
    gateway: socket,
    storage: typeof localStorage === "undefined" ? null : localStorage,
  });

  const uploads = new UploadQueue(xhrUpload);

  const online = () => socket.setNetworkOnline(true);
  const offline = () => socket.setNetworkOnline(false);
  const visible = () => {
    if (document.visibilityState === "visible") socket.reconnectNow();
  };
  return {
    model,
    api,
    socket,
    controller,
    uploads,
    admin,
    notifier,
    actions,
    start() {
      addEventListener("online", online);
      addEventListener("offline", offline);
      document.addEventListener("visibilitychange", visible);
      if (!navigator.onLine) socket.setNetworkOnline(false);
      for (const e of inputEvents) {
        addEventListener(e, input, { passive: true });
      }
      inactivity.start();
      stopTelling = effect(() => {
        if (model.status.connection.value.status === "connected") {
          tellIdle(inactivity.idle);
        }
      });
      controller.start();
      socket.start();
    },
    dispose() {
      removeEventListener("online", online);
      removeEventListener("offline", offline);
      document.removeEventListener("visibilitychange", visible);
      for (const e of inputEvents) removeEventListener(e, input);
      inactivity.stop();
      stopTelling?.();
      socket.stop();
      uploads.dispose();
      controller.dispose();
      model.dispose();
    },
  };
}
