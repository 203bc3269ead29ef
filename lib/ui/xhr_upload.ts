/**
 * One file upload over XMLHttpRequest, because only XHR reports upload progress. Same origin, so
 * the session cookie goes along; the body is the file's bytes with its type (PROTOCOL.md §5).
 */
import type { Attachment } from "../protocol/types.ts";

/** A running upload. */
export interface UploadHandle {
  /** Resolves with the stored attachment; rejects with a sentence for the reader. */
  done: Promise<Attachment>;
  abort(): void;
}

/** Starts an upload; signature shared with test fakes. */
export type Uploader = (
  url: string,
  file: Blob & { name?: string },
  onProgress: (loaded: number, total: number) => void,
) => UploadHandle;

/** The browser's uploader. */
export const xhrUpload: Uploader = (url, file, onProgress) => {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Attachment>((resolve, reject) => {
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total || file.size);
    xhr.onload = () => {
      let body: { attachment?: Attachment; error?: { message?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch { /* not JSON: described below */ }
      if (xhr.status === 201 && body.attachment) {
        return resolve(body.attachment);
      }
      reject(new Error(describeFailure(xhr.status, body.error?.message)));
    };
    xhr.onerror = () => reject(new Error("Upload failed: no connection."));
    xhr.onabort = () => reject(new Error("Cancelled."));
  });
  xhr.open("POST", url);
  xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
  xhr.send(file);
  return { done, abort: () => xhr.abort() };
};

function describeFailure(status: number, message?: string): string {
  if (status === 413) return "Too large to upload.";
  if (status === 429) return "Too many uploads; try again in a while.";
  return message ? `Upload failed: ${message}` : `Upload failed (${status}).`;
}
