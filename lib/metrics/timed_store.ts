/**
 * A store that times every call: the adapter is wrapped where the instance is composed
 * (`lib/server.ts`), so neither adapter nor core knows it is measured. A Proxy rather than a class
 * listing the port's methods, so a method added to the port (or to a sub-port such as
 * `store.attachments`) is measured without touching this.
 */
import type { Store } from "../store/store.ts";
import { metrics } from "./metrics.ts";

/**
 * `store` with every method timed into `salvioris_store_operation_seconds{op}`; a sub-port's
 * methods too, as `op="attachments.claim"` and so on.
 */
export function timedStore(store: Store): Store {
  return timedMethods(store, "");
}

/** `target` with each method timed as `<prefix><name>`; an object property (a sub-port) too. */
function timedMethods<T extends object>(target: T, prefix: string): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof prop !== "string" || value === null) return value;
      if (typeof value !== "function" && typeof value !== "object") {
        return value;
      }
      let out = wrapped.get(prop);
      if (!out) {
        out = typeof value === "function"
          ? timed(prefix + prop, value.bind(target))
          : timedMethods(value, `${prefix}${prop}.`);
        wrapped.set(prop, out);
      }
      return out;
    },
  });
}

function timed(
  op: string,
  call: (...args: unknown[]) => unknown,
): (...args: unknown[]) => unknown {
  const labels = { op };
  return (...args) => {
    const start = performance.now();
    const done = () =>
      metrics.storeSeconds.observe(labels, (performance.now() - start) / 1000);
    const failed = () => metrics.storeErrors.inc(labels);
    let result: unknown;
    try {
      result = call(...args);
    } catch (err) {
      failed();
      throw err;
    }
    if (!(result instanceof Promise)) return result;
    return result.then(
      (value) => {
        done();
        return value;
      },
      (err) => {
        done();
        failed();
        throw err;
      },
    );
  };
}
