/**
 * Brings one message of the open timeline into view and marks it briefly, for a click on a
 * notification. The timeline renders after the group opens, so this waits a few frames for it.
 */

/** How many animation frames to wait for the message to render. */
const maxFrames = 60;

/** Scrolls the message with `seq` into view and highlights it for a moment. */
export function focusMessage(seq: number, frame = 0): void {
  const el = document.querySelector<HTMLElement>(
    `.timeline [data-seq="${seq}"], [data-testid="message"][data-seq="${seq}"]`,
  );
  if (!el) {
    if (frame < maxFrames) {
      requestAnimationFrame(() => focusMessage(seq, frame + 1));
    }
    return;
  }
  el.scrollIntoView({ block: "center" });
  el.classList.add("message--focused");
  el.dataset.focused = "true";
  setTimeout(() => el.classList.remove("message--focused"), 2_000);
}
