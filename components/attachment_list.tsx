/**
 * A message's attachments: images as previews sized from their width and height before they load
 * (so the timeline never jumps), opening full size on click; other files as a card with name,
 * size and a download link.
 */
import type { Attachment } from "../lib/protocol/types.ts";

/** Largest preview box, in CSS pixels. */
const box = { width: 320, height: 240 };

/** What the list needs. */
export interface AttachmentListProps {
  attachments: readonly Attachment[];
  onOpenImage(attachment: Attachment): void;
}

/** "812 B", "12 KB", "3.4 MB". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const kb = bytes / 1024;
  if (kb < 1024) return `${Math.round(kb)} KB`;
  const mb = kb / 1024;
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** The preview's size: the image's own, scaled down to fit the box. */
export function previewSize(
  width: number,
  height: number,
): { width: number; height: number } {
  const scale = Math.min(1, box.width / width, box.height / height);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** The attachments of one message. */
export function AttachmentList(
  { attachments, onOpenImage }: AttachmentListProps,
) {
  return (
    <ul class="attachments">
      {attachments.map((a) =>
        a.width && a.height
          ? (
            <li key={a.id} class="attachment attachment--image">
              <button
                type="button"
                class="attachment-preview"
                data-testid="attachment-image"
                aria-label={`Open ${a.name} full size`}
                onClick={() => onOpenImage(a)}
              >
                <img
                  src={a.url}
                  alt={a.name}
                  loading="lazy"
                  {...previewSize(a.width, a.height)}
                />
              </button>
            </li>
          )
          : (
            <li
              key={a.id}
              class="attachment attachment--file"
              data-testid="attachment-file"
            >
              <span class="attachment-icon" aria-hidden="true">
                {(a.name.split(".").pop() ?? "").slice(0, 4).toUpperCase() ||
                  "FILE"}
              </span>
              <span class="attachment-meta">
                <span class="attachment-name">{a.name}</span>
                <span class="attachment-size">{formatSize(a.size)}</span>
              </span>
              <a class="attachment-download" href={a.url} download={a.name}>
                Download
              </a>
            </li>
          )
      )}
    </ul>
  );
}
