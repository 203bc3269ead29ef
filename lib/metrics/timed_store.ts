/**
 * A store that times every call: the adapter is wrapped where the instance is composed
 * (`lib/server.ts`), so neither adapter nor core knows it is measured. A Proxy rather than a class
 * listing the port's methods, so a method added to the port is measured without touching this.
 */
import type { Store } from "../store/store.ts";
import { metrics } from "./metrics.ts";

/** `store` with every method timed into `salvioris_store_operation_seconds{op}`. */
export function timedStore(store: Store): Store {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function" || typeof prop !== "string") return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        fn = timed(prop, value.bind(target));
        wrapped.set(prop, fn);
      }
      return fn;
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
