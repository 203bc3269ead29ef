/** Copy-on-write updates of a signal holding a Map, so every change is a new value. */

/** A signal (or anything with a writable `value`) holding a read-only map. */
export interface MapSignal<K, V> {
  value: ReadonlyMap<K, V>;
}

/** Sets `key` to `value` in a copy of the map. */
export function setIn<K, V>(s: MapSignal<K, V>, key: K, value: V): void {
  const next = new Map(s.value);
  next.set(key, value);
  s.value = next;
}

/** Deletes `key` from a copy of the map; does nothing when it is absent. */
export function deleteIn<K, V>(s: MapSignal<K, V>, key: K): void {
  if (!s.value.has(key)) return;
  const next = new Map(s.value);
  next.delete(key);
  s.value = next;
}
