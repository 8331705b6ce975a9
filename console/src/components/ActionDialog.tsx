/**
 * The confirmation dialog every order action goes through: a native <dialog> (focus is
 * trapped and Escape closes it), the action's fields, and the API's refusal shown verbatim.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNote } from './ErrorNote';

export interface ActionDialogProps {
  title: string;
  /** What will happen, in words, before the user confirms. */
  explain: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  children?: ReactNode;
  /** Runs the action; a rejection is shown in the dialog, which stays open. */
  onConfirm(form: FormData): Promise<void>;
  onClose(): void;
}

export function ActionDialog({ title, explain, confirmLabel, danger, children, onConfirm, onClose }: ActionDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm(new FormData(e.currentTarget));
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="dialog-title" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="dialog-title">{title}</h2>
        <div className="explain">{explain}</div>
        {children}
        <ErrorNote error={error} />
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            Back
          </button>
          <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
