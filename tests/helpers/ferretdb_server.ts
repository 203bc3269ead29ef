/**
 * A MongoDB-protocol server for tests: the server `MONGODB_URI` names, or else a private FerretDB
 * (SQLite backend, its own temp folder and free port on 127.0.0.1, killed when the test ends). Tests
 * register through `mongoTest`, ignored with a printed reason when neither is available, unless
 * `REQUIRE_MONGO=1`. Tests that stop and restart the database use `ferretdbTest`: they need a
 * private server.
 *
 * FerretDB is found as `$FERRETDB_BIN`, the binary `scripts/install_ferretdb.sh` caches, or
 * `ferretdb` on PATH; a binary that does not answer `--version` (such as a bare `go install` of
 * FerretDB, which panics) does not count.
 */
import { MongoClient } from "mongodb";
import { answersVersion, startPrivateServer } from "./private_server.ts";

/** A MongoDB-protocol server for one test. */
export interface MongoServer {
  /** The server's URI, naming no database. */
  uri: string;
  /** `uri` naming the database `dbName` (options kept). */
  uriOf(dbName: string): string;
  /** Stops the server gracefully; its data folder stays (private FerretDB only). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data after `stop()` (private FerretDB only). */
  start(): Promise<void>;
  /** Kills it for good and removes its folder; safe to call twice. Leaves an external server. */
  kill(): Promise<void>;
  /** The tail of the server's output, for a failing test. */
  output(): string;
}

const version = "v1.24.2";
const externalUri = Deno.env.get("MONGODB_URI") || undefined;
const required = Deno.env.get("REQUIRE_MONGO") === "1";

/** The FerretDB binary that answers `--version`, or null. */
async function findFerretdb(): Promise<string | null> {
  const cache = `${
    Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`
  }/salvioris/ferretdb-${version}`;
  const candidates = [Deno.env.get("FERRETDB_BIN"), cache, "ferretdb"];
  for (const bin of candidates) {
    if (bin && await answersVersion(bin)) return bin;
  }
  return null;
}

/** The FerretDB binary, or null when none works. */
export const ferretdbBinary = await findFerretdb();

function ignoreReason(needsPrivate: boolean): string | null {
  if (ferretdbBinary) return null;
  if (!needsPrivate && externalUri) return null;
  const reason = needsPrivate
    ? "no FerretDB binary to start a private server (run scripts/install_ferretdb.sh)"
    : "neither MONGODB_URI nor a FerretDB binary (run scripts/install_ferretdb.sh)";
  if (required) throw new Error(`REQUIRE_MONGO=1 but ${reason}`);
  return reason;
}

const mongoReason = ignoreReason(false);
const ferretdbReason = ignoreReason(true);
/** True when Mongo tests are to be ignored (no server available and none required). */
export const mongoIgnore = mongoReason !== null;
if (mongoReason) {
  console.warn(
    `mongo tests ignored: ${mongoReason} (set REQUIRE_MONGO=1 to fail instead)`,
  );
} else if (ferretdbReason) {
  console.warn(`database-restart tests ignored: ${ferretdbReason}`);
}

/** Test options: the driver's pool and monitors outlive a test by design. */
const driverOwned = { sanitizeOps: false, sanitizeResources: false };

/** Registers a test that needs a MongoDB-protocol server (`MONGODB_URI` or private FerretDB). */
export function mongoTest(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
): void {
  Deno.test({ ...driverOwned, name, ignore: mongoReason !== null, fn });
}

/** Registers a test that needs a private FerretDB it may stop and start. */
export function ferretdbTest(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
): void {
  Deno.test({ ...driverOwned, name, ignore: ferretdbReason !== null, fn });
}

/** The server of `MONGODB_URI` when set (MongoDB proper, say), else a private FerretDB. */
export async function startMongo(): Promise<MongoServer> {
  if (externalUri) return externalServer(externalUri);
  return await startPrivateMongo();
}

/** A private FerretDB, which a test may stop and start (for `ferretdbTest`). */
export async function startPrivateMongo(): Promise<MongoServer> {
  if (!ferretdbBinary) {
    throw new Error(`Cannot start FerretDB: ${ferretdbReason}`);
  }
  return await startFerretdb(ferretdbBinary);
}

/** A fresh database name for one test. */
export function testDbName(): string {
  return `salvioris_test_${
    crypto.randomUUID().replaceAll("-", "").slice(0, 16)
  }`;
}

/** `uri` with its database path replaced by `dbName`; host lists and options stay. */
export function withDatabase(uri: string, dbName: string): string {
  const [base, query] = uri.split("?", 2);
  const authority = base.indexOf("/", base.indexOf("://") + 3);
  const hosts = authority < 0 ? base : base.slice(0, authority);
  return `${hosts}/${dbName}${query === undefined ? "" : `?${query}`}`;
}

function externalServer(uri: string): MongoServer {
  const refuse = () =>
    Promise.reject(new Error("Cannot stop or start the MONGODB_URI server"));
  return {
    uri,
    uriOf: (dbName) => withDatabase(uri, dbName),
    stop: refuse,
    start: refuse,
    kill: () => Promise.resolve(),
    output: () => "",
  };
}

let shared: Promise<MongoServer> | null = null;

/**
 * One server for a whole test file, started on first use and killed when the file's run ends;
 * each test keeps to its own database (`testDbName`).
 */
export function sharedMongo(): Promise<MongoServer> {
  shared ??= startMongo();
  return shared;
}

async function startFerretdb(bin: string): Promise<MongoServer> {
  const server = await startPrivateServer({
    name: "FerretDB",
    dirPrefix: "salvioris_ferretdb_",
    command: (port, dir) => ({
      bin,
      args: [
        "--handler=sqlite",
        `--sqlite-url=file:${dir}/`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${dir}`,
        "--debug-addr=-",
        "--telemetry=disable",
        "--log-level=warn",
      ],
    }),
    answers: answersPing,
    readyTimeoutMs: 15_000,
    pollMs: 50,
    keepOutput: true,
  });
  const uri = `mongodb://127.0.0.1:${server.port}/`;
  return {
    uri,
    uriOf: (dbName) => withDatabase(uri, dbName),
    stop: server.stop,
    start: server.start,
    kill: server.kill,
    output: server.output,
  };
}

/** True when a MongoDB-protocol server on the port answers `ping`. */
async function answersPing(port: number): Promise<boolean> {
  const client = new MongoClient(`mongodb://127.0.0.1:${port}/`, {
    serverSelectionTimeoutMS: 500,
    connectTimeoutMS: 500,
  });
  try {
    await client.db("admin").command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => {});
  }
}
