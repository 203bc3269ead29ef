/** The image open in the full-size viewer, if any: set by a preview, cleared by the viewer. */
import { signal } from "@preact/signals-core";
import type { Attachment } from "../protocol/types.ts";

export const viewedImage = signal<Attachment | null>(null);

/** Opens the viewer on an image attachment. */
export function showImage(attachment: Attachment): void {
  viewedImage.value = attachment;
}

/** Closes the viewer. */
export function closeImage(): void {
  viewedImage.value = null;
}
