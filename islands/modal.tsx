/** A native modal <dialog>: focus is trapped and Escape closes it, by the browser. */
import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";

/** What a modal needs. */
export interface ModalProps {
  /** Unique id on the page; the title gets `${id}-title`. */
  id: string;
  open: boolean;
  title: string;
  onClose(): void;
  children: ComponentChildren;
}

/** A modal dialog, shown while `open`. */
export function Modal({ id, open, title, onClose, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  // Explicit ids (not useId) so server and browser markup match whatever the tree depth.
  const titleId = `${id}-title`;
  useLayoutEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      id={id}
      class="modal"
      aria-labelledby={titleId}
      onClose={onClose}
      onClick={(e) => {
        // A click on the backdrop lands on the dialog element itself.
        if (e.target === ref.current) onClose();
      }}
    >
      <div class="modal-body">
        <h2 id={titleId} class="modal-title">{title}</h2>
        {open ? children : null}
      </div>
    </dialog>
  );
}
