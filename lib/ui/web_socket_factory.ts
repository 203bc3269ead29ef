/** The SocketFactory of real sockets: maps the WebSocket API onto the client's handlers. */
import type { SocketFactory } from "./socket_client.ts";

/** Opens a WebSocket; binary frames are ignored (the protocol is text only). */
export const webSocketFactory: SocketFactory = (url, handlers) => {
  const ws = new WebSocket(url);
  ws.onopen = () => handlers.open();
  ws.onmessage = (ev) => {
    if (typeof ev.data === "string") handlers.message(ev.data);
  };
  ws.onclose = (ev) => handlers.close(ev.code, ev.reason);
  return {
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
  };
};

/** The gateway URL on the page's own origin (ws: or wss: to match http: or https:). */
export function gatewayUrl(
  location: { protocol: string; host: string },
): string {
  return `${
    location.protocol === "https:" ? "wss:" : "ws:"
  }//${location.host}/gateway`;
}
