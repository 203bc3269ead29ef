/** The full-size image viewer: over the page, closed with Esc, the close button or a click outside. */
import { useEffect, useRef } from "preact/hooks";
import { closeImage, viewedImage } from "../lib/ui/image_viewer.ts";

/** Renders the viewed image, if any. */
export function ImageViewer() {
  const image = viewedImage.value;
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!image) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") closeImage();
    };
    document.addEventListener("keydown", onKey);
    closeButton.current?.focus();
    return () => document.removeEventListener("keydown", onKey);
  }, [image]);
  if (!image) return null;
  return (
    <div
      class="viewer"
      role="dialog"
      aria-modal="true"
      aria-label={image.name}
      data-testid="image-viewer"
      onClick={(e) => {
        if (e.target === e.currentTarget) closeImage();
      }}
    >
      <img
        class="viewer-image"
        src={image.url}
        alt={image.name}
        width={image.width}
        height={image.height}
      />
      <div class="viewer-bar">
        <span class="viewer-name">{image.name}</span>
        <a class="link-button" href={image.url} download={image.name}>
          Download
        </a>
        <button
          ref={closeButton}
          type="button"
          class="link-button"
          onClick={closeImage}
        >
          Close
        </button>
      </div>
    </div>
  );
}
