/**
 * The `FileStorage` port on MongoDB GridFS (`<bucket>.files` and `<bucket>.chunks`). GridFS
 * writes the chunks first and the file document last, so a file is visible only once whole; an
 * upload that fails is aborted, which removes the chunks it wrote.
 */
import type { EventEmitter } from "node:events";
import { Readable } from "node:stream";
import { type Db, GridFSBucket, MongoClient } from "mongodb";
import { type ByteRange, fileIdPattern, type FileStorage } from "./files.ts";

/** Options of `GridFsFiles.open`. */
export interface GridFsFilesOptions {
  /** The database; the one named in the URI when absent. */
  dbName?: string;
  /** The bucket's name: its collections are `<name>.files` and `<name>.chunks`. */
  bucketName?: string;
  serverSelectionTimeoutMS?: number;
}

/** 255 KiB, GridFS's own default chunk size. */
const chunkSizeBytes = 255 * 1024;

/** The `FileStorage` port on GridFS. */
export class GridFsFiles implements FileStorage {
  #client: MongoClient;
  #db: Db;
  #bucket: GridFSBucket;
  #bucketName: string;

  private constructor(client: MongoClient, db: Db, bucketName: string) {
    this.#client = client;
    this.#db = db;
    this.#bucketName = bucketName;
    this.#bucket = new GridFSBucket(db, { bucketName, chunkSizeBytes });
  }

  static async open(
    uri: string,
    options: GridFsFilesOptions = {},
  ): Promise<GridFsFiles> {
    const client = new MongoClient(uri, {
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
    });
    await client.connect();
    return new GridFsFiles(
      client,
      client.db(options.dbName),
      options.bucketName ?? "fs",
    );
  }

  async write(id: string, body: ReadableStream<Uint8Array>): Promise<number> {
    _checkId(id);
    // Aborting an upload deletes every chunk with its id: never start one over an existing file.
    if (await this.size(id) !== null) {
      throw new Error(`Cannot write file ${id}: it exists`);
    }
    const upload = this.#bucket.openUploadStreamWithId(id as never, id);
    let written = 0;
    try {
      for await (const chunk of body) {
        if (!upload.write(chunk)) await _settled(upload, "drain");
        written += chunk.length;
      }
      upload.end();
      await _settled(upload, "finish");
      return written;
    } catch (err) {
      await upload.abort().catch(() => {});
      // An abort after some chunks were flushed may leave them: remove them ourselves too.
      await this.#chunks().deleteMany({ files_id: id }).catch(() => {});
      throw err;
    }
  }

  async size(id: string): Promise<number | null> {
    _checkId(id);
    const doc = await this.#filesCollection().findOne({ _id: id });
    return doc ? Number(doc.length) : null;
  }

  async read(
    id: string,
    range?: ByteRange,
  ): Promise<ReadableStream<Uint8Array> | null> {
    const size = await this.size(id);
    if (size === null) return null;
    const start = Math.min(Math.max(0, range?.start ?? 0), size);
    // GridFS's `end` is exclusive.
    const end = Math.min(size, range ? range.end + 1 : size);
    if (end <= start) return new ReadableStream({ start: (c) => c.close() });
    const download = this.#bucket.openDownloadStream(id as never, {
      start,
      end,
    });
    return Readable.toWeb(download) as ReadableStream<Uint8Array>;
  }

  async delete(id: string): Promise<boolean> {
    _checkId(id);
    const { deletedCount } = await this.#filesCollection().deleteOne({
      _id: id,
    });
    await this.#chunks().deleteMany({ files_id: id });
    return deletedCount > 0;
  }

  async healthy(): Promise<boolean> {
    try {
      await this.#db.command({ ping: 1 });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  #filesCollection() {
    return this.#db.collection<{ _id: string; length: number }>(
      `${this.#bucketName}.files`,
    );
  }

  #chunks() {
    return this.#db.collection<{ files_id: string }>(
      `${this.#bucketName}.chunks`,
    );
  }
}

/** Waits for `event` or a failure, leaving no listener behind. */
function _settled(emitter: EventEmitter, event: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      emitter.off("error", failed);
      resolve();
    };
    const failed = (err: unknown) => {
      emitter.off(event, done);
      reject(err);
    };
    emitter.once(event, done);
    emitter.once("error", failed);
  });
}

function _checkId(id: string): void {
  if (!fileIdPattern.test(id)) {
    throw new Error(`Cannot use file id ${JSON.stringify(id)}: not an id`);
  }
}
