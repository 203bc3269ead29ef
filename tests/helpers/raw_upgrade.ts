/**
 * A WebSocket upgrade over a bare TCP connection, for tests that need the HTTP answer itself (a
 * refused upgrade's status and body) or many idle sockets that never speak the protocol.
 */

/** The server's answer; an accepted upgrade keeps its connection open until `close()`. */
export interface RawUpgrade {
  status: number;
  headers: Headers;
  /** The JSON body of a refusal (null for 101). */
  body:
    | { error?: { code: string; message: string; retry_after_ms?: number } }
    | null;
  close(): void;
}

/** Sends an upgrade request for `/gateway` on `port` and reads the answer's head (and body). */
export async function rawUpgrade(port: number): Promise<RawUpgrade> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const request = [
    "GET /gateway HTTP/1.1",
    `Host: 127.0.0.1:${port}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
    "",
    "",
  ].join("\r\n");
  await conn.write(new TextEncoder().encode(request));
  const decoder = new TextDecoder();
  let text = "";
  const buf = new Uint8Array(4096);
  while (!text.includes("\r\n\r\n")) {
    const n = await conn.read(buf);
    if (n === null) break;
    text += decoder.decode(buf.subarray(0, n), { stream: true });
  }
  const [head, ...rest] = text.split("\r\n\r\n");
  const [statusLine, ...headerLines] = head.split("\r\n");
  const headers = new Headers(
    headerLines.map((l) => {
      const i = l.indexOf(":");
      return [l.slice(0, i).trim(), l.slice(i + 1).trim()] as [string, string];
    }),
  );
  const status = Number(statusLine.split(" ")[1]);
  let body = null;
  if (status !== 101) {
    let raw = rest.join("\r\n\r\n");
    const length = Number(headers.get("content-length") ?? 0);
    while (new TextEncoder().encode(raw).length < length) {
      const n = await conn.read(buf);
      if (n === null) break;
      raw += decoder.decode(buf.subarray(0, n), { stream: true });
    }
    body = raw ? JSON.parse(raw) : null;
  }
  const close = () => {
    try {
      conn.close();
    } catch { /* already closed */ }
  };
  if (status !== 101) close();
  return { status, headers, body, close };
}
