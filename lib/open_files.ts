/**
 * How many sockets this process can hold open. Every gateway socket is a file descriptor, and a
 * process past its open-file limit cannot accept any connection at all (HTTP requests, health
 * checks), so the socket cap must stay below that limit with room for everything else.
 */

/** The soft `Max open files` limit in the text of `/proc/self/limits`, or null if absent. */
export function parseOpenFileLimit(limits: string): number | null {
  const match = limits.match(/^Max open files\s+(\d+)\s/m);
  return match ? Number(match[1]) : null;
}

/** This process's open-file limit (Linux), or null when it cannot be read or is unlimited. */
export function openFileLimit(): number | null {
  try {
    return parseOpenFileLimit(Deno.readTextFileSync("/proc/self/limits"));
  } catch {
    return null; // not Linux, or no permission to read
  }
}

/**
 * Descriptors left for gateway sockets out of `openFiles`: a tenth (at least 128) is kept for HTTP
 * requests, the store, the bus, attachments and the process itself (about 30 when idle).
 */
export function socketDescriptors(openFiles: number): number {
  return Math.max(0, openFiles - Math.max(128, Math.ceil(openFiles / 10)));
}
