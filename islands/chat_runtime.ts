/**
 * Wires the framework-free core to the browser: one model, one API client, one socket, one
 * controller per page, and the window events that matter (network, tab visibility). Building it
 * has no side effects, so the server can render the app with it; `start()` runs in the browser.
 */
import type { User } from "../lib/protocol/types.ts";
import { ApiClient } from "../lib/ui/api_client.ts";
import { ChatController } from "../lib/ui/chat_controller.ts";
import { ChatModel } from "../lib/ui/chat_model.ts";
import { systemClock } from "../lib/ui/clock.ts";
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
  const socket = new SocketClient({
    url: typeof location === "undefined" ? "" : gatewayUrl(location),
    model,
    clock,
    createSocket: webSocketFactory,
    onUnauthorized: goToLogin,
    onResync: (groupId) => void controller.resync(groupId),
    onFrame: (frame) => controller.noteFrame(frame),
  });
  controller = new ChatController({ model, api, gateway: socket, clock });

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
    start() {
      addEventListener("online", online);
      addEventListener("offline", offline);
      document.addEventListener("visibilitychange", visible);
      if (!navigator.onLine) socket.setNetworkOnline(false);
      controller.start();
      socket.start();
    },
    dispose() {
      removeEventListener("online", online);
      removeEventListener("offline", offline);
      document.removeEventListener("visibilitychange", visible);
      socket.stop();
      uploads.dispose();
      controller.dispose();
      model.dispose();
    },
  };
}
