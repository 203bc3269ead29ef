/**
 * The `FileStorage` port on a folder: one file per id. Instances on one machine may share the
 * folder: a write goes to a private temporary name and is then hard-linked to its final name,
 * which fails if the name exists, so a file appears whole or not at all and is never replaced.
 */
import { join } from "node:path";
import { type ByteRange, fileIdPattern, type FileStorage } from "./files.ts";

const chunkBytes = 64 * 1024;
/** A temporary file this old belongs to a write that died with its process. */
const stalePartMs = 60 * 60 * 1000;

/** The `FileStorage` port on a folder (created when missing). */
export class FolderFiles implements FileStorage {
  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<FolderFiles> {
    await Deno.mkdir(dir, { recursive: true });
    await _removeStaleParts(dir, Date.now() - stalePartMs);
    return new FolderFiles(dir);
  }

  async write(id: string, body: ReadableStream<Uint8Array>): Promise<number> {
    const path = this.#path(id);
    const temp = join(this.dir, `.${id}.${crypto.randomUUID()}.part`);
    let written = 0;
    try {
      const file = await Deno.open(temp, { write: true, createNew: true });
      try {
        for await (const chunk of body) {
          for (let done = 0; done < chunk.length;) {
            done += await file.write(chunk.subarray(done));
          }
          written += chunk.length;
        }
        await file.syncData();
      } finally {
        file.close();
      }
      await Deno.link(temp, path);
      return written;
    } finally {
      await Deno.remove(temp).catch(() => {});
    }
  }

  async size(id: string): Promise<number | null> {
    try {
      return (await Deno.stat(this.#path(id))).size;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    }
  }

  async read(
    id: string,
    range?: ByteRange,
  ): Promise<ReadableStream<Uint8Array> | null> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(this.#path(id), { read: true });
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    }
    const start = Math.max(0, range?.start ?? 0);
    let left = range ? Math.max(0, range.end - start + 1) : Infinity;
    let closed = false;
    const close = () => {
      if (!closed) file.close();
      closed = true;
    };
    if (start > 0) await file.seek(start, Deno.SeekMode.Start);
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const buf = new Uint8Array(Math.min(chunkBytes, left));
          const n = buf.length === 0 ? null : await file.read(buf);
          if (n === null) {
            close();
            controller.close();
            return;
          }
          left -= n;
          controller.enqueue(buf.subarray(0, n));
        } catch (err) {
          close();
          controller.error(err);
        }
      },
      cancel: close,
    });
  }

  async delete(id: string): Promise<boolean> {
    try {
      await Deno.remove(this.#path(id));
      return true;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return false;
      throw err;
    }
  }

  async healthy(): Promise<boolean> {
    try {
      return (await Deno.stat(this.dir)).isDirectory;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #path(id: string): string {
    if (!fileIdPattern.test(id)) {
      throw new Error(`Cannot use file id ${JSON.stringify(id)}: not an id`);
    }
    return join(this.dir, id);
  }
}

/** Removes temporary files older than `before` (ms): writes a killed process left behind. */
async function _removeStaleParts(dir: string, before: number): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !/^\..*\.part$/.test(entry.name)) continue;
    const path = join(dir, entry.name);
    try {
      const { mtime } = await Deno.stat(path);
      if (mtime && mtime.getTime() < before) await Deno.remove(path);
    } catch {
      // Another instance removed or renamed it first.
    }
  }
}
