/**
 * One request at a time from a form or menu: `busy` while it runs, its failure as a sentence in
 * `error`. Shared by the §6 dialogs and the member menu so each says only what it does.
 */
import { useSignal } from "@preact/signals";
import type { Signal } from "@preact/signals";
import { errorText } from "./group_dialogs.tsx";

/** A form's request state. */
export interface Action {
  busy: Signal<boolean>;
  error: Signal<string | null>;
  /** Runs `work` unless one is running; true when it succeeded. */
  run(work: () => Promise<unknown>): Promise<boolean>;
}

/** The request state of one form or menu. */
export function useAction(): Action {
  const busy = useSignal(false);
  const error = useSignal<string | null>(null);
  const run = async (work: () => Promise<unknown>) => {
    if (busy.value) return false;
    busy.value = true;
    error.value = null;
    try {
      await work();
      return true;
    } catch (err) {
      error.value = errorText(err);
      return false;
    } finally {
      busy.value = false;
    }
  };
  return { busy, error, run };
}
