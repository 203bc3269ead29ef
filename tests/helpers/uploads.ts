/** Uploading and fetching attachments over real HTTP, for tests. */
import type { Frame } from "./gateway_client.ts";

export interface UploadOptions {
  name?: string;
  type?: string;
  /** Extra headers (e.g. an `Origin`). */
  headers?: Record<string, string>;
}

/** `POST /api/groups/:id/attachments?name=` with `bytes` as the body. */
export async function upload(
  baseUrl: string,
  token: string,
  groupId: string,
  bytes: Uint8Array | ReadableStream<Uint8Array>,
  options: UploadOptions = {},
): Promise<{ status: number; body: Frame }> {
  const query = options.name === undefined
    ? ""
    : `?name=${encodeURIComponent(options.name)}`;
  const res = await fetch(
    `${baseUrl}/api/groups/${groupId}/attachments${query}`,
    {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": options.type ?? "application/octet-stream",
        ...options.headers,
      },
      body: bytes instanceof Uint8Array ? new Uint8Array(bytes) : bytes,
    },
  );
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/** `GET <url>` as `token`; the body as bytes. */
export async function fetchFile(
  baseUrl: string,
  token: string | null,
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; bytes: Uint8Array }> {
  const res = await fetch(baseUrl + url, {
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
  });
  return {
    status: res.status,
    headers: res.headers,
    bytes: new Uint8Array(await res.arrayBuffer()),
  };
}

/** The names of the files in a folder (none when it does not exist). */
export async function filesIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return names.sort();
}
