/**
 * Socket admission: how many sockets may be open at once, in total and per client address, and
 * how many of them may still be unidentified. Deno reads a whole WebSocket frame (up to 64 MiB)
 * into memory before the gateway can see its size, so an anonymous socket can cost that much;
 * capping the sockets nobody has identified yet bounds what anonymous clients can make us hold.
 * Counting is per instance.
 */
import type { Connection } from "./connection.ts";
import type { SocketLimits } from "./context.ts";
import { ChatError } from "../lib/protocol/errors.ts";

/** Caps for an instance that was given none. */
export const defaultSocketLimits: SocketLimits = {
  maxSockets: 50_000,
  maxPerAddress: 10_000,
  maxUnidentified: 1_000,
  maxUnidentifiedPerAddress: 50,
};

/**
 * `limits` with `maxSockets` lowered to `available` descriptors when there are fewer: beyond the
 * process's open-file limit a socket is not refused but breaks accepting altogether.
 */
export function fitSocketLimits(
  limits: SocketLimits,
  available: number | null,
): SocketLimits {
  if (available === null || limits.maxSockets <= available) return limits;
  return { ...limits, maxSockets: available };
}

/** What `refusal` answers: the HTTP status and the error to send instead of upgrading. */
export interface Refusal {
  status: 429 | 503;
  error: ChatError;
}

interface AddressSockets {
  open: number;
  /** Sockets of this address not yet identified (pruned with the global set). */
  unidentified: Set<Connection>;
}

/** A retry hint for refused upgrades: sockets free up as others identify or close. */
const retryAfterMs = 5_000;

export class SocketAdmission {
  #byAddress = new Map<string, AddressSockets>();
  /** Every open socket, with its address. */
  #addressOf = new Map<Connection, string>();
  /** Sockets not yet identified (identified ones are dropped when counted). */
  #unidentified = new Set<Connection>();
  readonly limits: SocketLimits;

  constructor(limits: SocketLimits = defaultSocketLimits) {
    this.limits = limits;
  }

  /**
   * Null when a new socket from `address` may open, else why not. An `anonymous` socket (no
   * valid cookie or token on the upgrade) must also fit under the caps on unidentified sockets.
   */
  refusal(address: string, options: { anonymous: boolean }): Refusal | null {
    const l = this.limits;
    const mine = this.#byAddress.get(address);
    if (this.#addressOf.size >= l.maxSockets) {
      return refuse(503, "unavailable", "Too many open sockets; retry later");
    }
    if (mine && mine.open >= l.maxPerAddress) {
      return refuse(
        429,
        "rate_limited",
        "Too many open sockets from your address",
      );
    }
    if (!options.anonymous) return null;
    if (this.#countUnidentified() >= l.maxUnidentified) {
      return refuse(
        503,
        "unavailable",
        "Too many sockets waiting to identify; retry later",
      );
    }
    if (mine && mine.unidentified.size >= l.maxUnidentifiedPerAddress) {
      return refuse(
        429,
        "rate_limited",
        "Too many sockets from your address that have not identified",
      );
    }
    return null;
  }

  /** Counts a socket that was let in; an `anonymous` one counts as unidentified until it is. */
  opened(
    connection: Connection,
    address: string,
    options: { anonymous: boolean },
  ): void {
    let mine = this.#byAddress.get(address);
    if (!mine) {
      mine = { open: 0, unidentified: new Set() };
      this.#byAddress.set(address, mine);
    }
    mine.open++;
    this.#addressOf.set(connection, address);
    if (options.anonymous) {
      mine.unidentified.add(connection);
      this.#unidentified.add(connection);
    }
  }

  /** Forgets a socket once it closed. */
  closed(connection: Connection): void {
    const address = this.#addressOf.get(connection);
    if (address === undefined) return;
    this.#addressOf.delete(connection);
    this.#unidentified.delete(connection);
    const mine = this.#byAddress.get(address)!;
    mine.open--;
    mine.unidentified.delete(connection);
    if (mine.open <= 0) this.#byAddress.delete(address);
  }

  /** Open sockets, and those not identified yet. */
  get counts(): { open: number; unidentified: number } {
    return {
      open: this.#addressOf.size,
      unidentified: this.#countUnidentified(),
    };
  }

  /**
   * Drops the sockets that identified since the last count and answers how many are left:
   * O(unidentified sockets), which the caps keep small.
   */
  #countUnidentified(): number {
    for (const connection of this.#unidentified) {
      if (!connection.caller) continue;
      this.#unidentified.delete(connection);
      this.#byAddress.get(this.#addressOf.get(connection)!)?.unidentified
        .delete(connection);
    }
    return this.#unidentified.size;
  }
}

function refuse(
  status: 429 | 503,
  code: "rate_limited" | "unavailable",
  message: string,
): Refusal {
  return {
    status,
    error: new ChatError(code, message, { retry_after_ms: retryAfterMs }),
  };
}
