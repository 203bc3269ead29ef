/** Writes whose duplicate-key refusal is an answer, not a failure: how unique indexes speak. */
import {
  type Collection,
  MongoBulkWriteError,
  MongoServerError,
  type OptionalUnlessRequiredId,
} from "mongodb";

const DUPLICATE_KEY = 11000;

/** Inserts a copy of `doc`; false when a unique index already holds its key. */
export async function insertUnlessDuplicate<T extends object>(
  collection: Collection<T>,
  doc: T,
): Promise<boolean> {
  try {
    // Our documents carry no `_id`, so a copy of one is what the driver's type asks for.
    await collection.insertOne({ ...doc } as OptionalUnlessRequiredId<T>);
    return true;
  } catch (err) {
    if (isDuplicate(err)) return false;
    throw err;
  }
}

/** True for duplicate-key errors only: a bulk error counts when all its write errors are. */
export function isDuplicate(err: unknown): boolean {
  if (err instanceof MongoBulkWriteError) {
    const errors = [err.writeErrors].flat();
    return errors.length > 0 && errors.every((e) => e.code === DUPLICATE_KEY) &&
      err.result.getWriteConcernError() === undefined;
  }
  return err instanceof MongoServerError && err.code === DUPLICATE_KEY;
}
