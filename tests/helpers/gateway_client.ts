/** A protocol-speaking WebSocket client for tests: send frames, await frames, observe the close. */

// deno-lint-ignore no-explicit-any
export type Frame = Record<string, any>;

export interface ConnectOptions {
  /** Sent as `identify` after `hello` (omit to stay unidentified). */
  token?: string;
  headers?: Record<string, string>;
  /** Wait for `ready` before resolving (default when a token or cookie is given). */
  waitReady?: boolean;
}

export class GatewayClient {
  readonly received: Frame[] = [];
  #queue: Frame[] = [];
  #waiters: Array<
    { match: (f: Frame) => boolean; resolve: (f: Frame) => void }
  > = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  ready: Frame | null = null;
  /** Called with every frame as it arrives, before anyone consumes it. */
  readonly observers = new Set<(frame: Frame) => void>();

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => {
      socket.onclose = (e) => resolve({ code: e.code, reason: e.reason });
    });
    socket.onmessage = (e) => this.#push(JSON.parse(e.data));
  }

  /** Opens a socket; with a token it identifies and waits for `ready`. */
  static async connect(
    url: string,
    options: ConnectOptions = {},
  ): Promise<GatewayClient> {
    // Deno's WebSocket takes extra headers (cookie, origin) as a second argument.
    const init = options.headers ? { headers: options.headers } : undefined;
    // deno-lint-ignore no-explicit-any
    const socket = new (WebSocket as any)(url, init) as WebSocket;
    const client = new GatewayClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
    await client.next((f) => f.type === "hello");
    if (options.token) client.send({ type: "identify", token: options.token });
    if (
      options.waitReady ??
        (options.token !== undefined || !!options.headers?.cookie)
    ) {
      client.ready = await client.next((f) =>
        f.type === "ready" || f.type === "error"
      );
      if (client.ready.type !== "ready") {
        throw new Error(`not ready: ${JSON.stringify(client.ready)}`);
      }
    }
    return client;
  }

  send(frame: Frame): void {
    this.socket.send(JSON.stringify(frame));
  }

  sendRaw(data: string): void {
    this.socket.send(data);
  }

  /** Takes the first unconsumed frame matching `match`, waiting up to `timeoutMs`. */
  next(
    match: (f: Frame) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Frame> {
    const index = this.#queue.findIndex(match);
    if (index >= 0) return Promise.resolve(this.#queue.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (f: Frame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `no matching frame in ${timeoutMs} ms; last: ${
              JSON.stringify(this.received.slice(-3))
            }`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Takes the next frame of a type. */
  nextOf(type: string, timeoutMs?: number): Promise<Frame> {
    return this.next((f) => f.type === type, timeoutMs);
  }

  /** Unconsumed frames of a type, removed from the queue. */
  drain(type: string): Frame[] {
    const taken = this.#queue.filter((f) => f.type === type);
    this.#queue = this.#queue.filter((f) => f.type !== type);
    return taken;
  }

  /** Sends a ping and waits for its pong: every frame sent before it has been handled. */
  async roundTrip(): Promise<void> {
    const ref = crypto.randomUUID();
    this.send({ type: "ping", ref });
    await this.next((f) => f.type === "pong" && f.ref === ref);
  }

  async close(): Promise<void> {
    if (this.socket.readyState < 2) this.socket.close(1000);
    await this.closed;
  }

  #push(frame: Frame): void {
    this.received.push(frame);
    for (const observe of this.observers) observe(frame);
    const index = this.#waiters.findIndex((w) => w.match(frame));
    if (index >= 0) {
      const [waiter] = this.#waiters.splice(index, 1);
      waiter.resolve(frame);
    } else {
      this.#queue.push(frame);
    }
  }
}
