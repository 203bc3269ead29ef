/** Drag-and-drop of files onto an element: only drags that carry files are accepted. */

/** Event handlers to spread onto the drop target. */
export function dropHandlers(onFiles: (files: File[]) => void) {
  const carriesFiles = (e: DragEvent) =>
    [...(e.dataTransfer?.types ?? [])].includes("Files");
  return {
    onDragOver(e: DragEvent) {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
    },
    onDrop(e: DragEvent) {
      const files = [...(e.dataTransfer?.files ?? [])];
      if (!files.length) return;
      e.preventDefault();
      onFiles(files);
    },
  };
}
