/**
 * Keeping the reader's place in the message list by hand (the list turns the browser's own
 * scroll anchoring off, since it also decides when to stick to the bottom): remember the first
 * message visible and its distance from the top, and after any change (a page prepended, a
 * message above edited, deleted or given reactions) scroll so it is there again.
 */

/** The first visible message and its distance from the top of the scroller. */
export interface ScrollAnchor {
  seq: number;
  offset: number;
}

/** The message rows of a scroller, in order. */
function rows(el: HTMLElement): HTMLElement[] {
  return [...el.querySelectorAll<HTMLElement>('[data-testid="message"]')];
}

/** Finds the first message whose bottom is below the top edge (binary search on offsets). */
export function readAnchor(el: HTMLElement): ScrollAnchor | null {
  const list = rows(el);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const n = list[mid];
    if (n.offsetTop + n.offsetHeight <= el.scrollTop) lo = mid + 1;
    else hi = mid;
  }
  const node = list[lo];
  if (!node) return null;
  return {
    seq: Number(node.dataset.seq),
    offset: node.offsetTop - el.scrollTop,
  };
}

/** Scrolls so the anchored message is where it was; false when it is gone. */
export function restoreAnchor(el: HTMLElement, anchor: ScrollAnchor): boolean {
  const node = el.querySelector<HTMLElement>(
    `[data-testid="message"][data-seq="${anchor.seq}"]`,
  );
  if (!node) return false;
  const want = node.offsetTop - anchor.offset;
  if (Math.abs(el.scrollTop - want) >= 1) el.scrollTop = want;
  return true;
}
