/** The files attached to the message being written: progress, cancel, retry, remove. */
import type { PendingUpload } from "../lib/ui/uploads.ts";
import { formatSize } from "./attachment_list.tsx";

/** What the tray needs. */
export interface UploadTrayProps {
  items: readonly PendingUpload[];
  onCancel(key: string): void;
  onRetry(key: string): void;
}

/** One row per file. */
export function UploadTray({ items, onCancel, onRetry }: UploadTrayProps) {
  if (!items.length) return null;
  return (
    <ul class="upload-tray" aria-label="Attached files">
      {items.map((u) => (
        <li
          key={u.key}
          class={`upload upload--${u.status}`}
          data-testid="upload"
          data-status={u.status}
        >
          <span class="upload-name" title={u.name}>{u.name}</span>
          <span class="upload-size">{formatSize(u.size)}</span>
          {u.status === "uploading"
            ? (
              <progress
                class="upload-progress"
                max={1}
                value={u.progress}
                aria-label={`Uploading ${u.name}`}
              />
            )
            : null}
          {u.status === "failed"
            ? (
              <span class="upload-error" role="alert">
                {u.error}{" "}
                <button
                  type="button"
                  class="link-button"
                  onClick={() => onRetry(u.key)}
                >
                  Retry
                </button>
              </span>
            )
            : null}
          <button
            type="button"
            class="link-button upload-cancel"
            aria-label={`${
              u.status === "uploading" ? "Cancel" : "Remove"
            } ${u.name}`}
            onClick={() => onCancel(u.key)}
          >
            {u.status === "uploading" ? "Cancel" : "Remove"}
          </button>
        </li>
      ))}
    </ul>
  );
}
