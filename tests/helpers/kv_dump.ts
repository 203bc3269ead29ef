/**
 * Every value a Deno KV file holds, as one text: tests search it to prove something (a deleted
 * message's text) is stored nowhere.
 */
export async function kvDump(kvPath: string): Promise<string> {
  const kv = await Deno.openKv(kvPath);
  try {
    const out: string[] = [];
    for await (const entry of kv.list({ prefix: [] })) {
      out.push(
        JSON.stringify(
          entry.value,
          (_, v) => typeof v === "bigint" ? String(v) : v,
        ),
      );
    }
    return out.join("\n");
  } finally {
    kv.close();
  }
}
