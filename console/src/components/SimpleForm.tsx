/** A small labelled form whose submit calls the API; the API's refusal is shown, never swallowed. */
import { useState, type FormEvent } from 'react';
import { ErrorNote } from './ErrorNote';

export interface Field {
  name: string;
  label: string;
  type?: 'text' | 'number' | 'date';
  required?: boolean;
  placeholder?: string;
}

export function SimpleForm({ title, fields, submitLabel, onSubmit }: { title: string; fields: Field[]; submitLabel: string; onSubmit(values: Record<string, string>): Promise<void> }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const formEl = e.currentTarget;
    const values = Object.fromEntries(fields.map((f) => [f.name, String(new FormData(formEl).get(f.name) ?? '').trim()]));
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(values);
      formEl.reset();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card inline-form" onSubmit={(e) => void submit(e)} aria-label={title}>
      <h3>{title}</h3>
      {fields.map((f) => (
        <label key={f.name}>
          {f.label}
          <input name={f.name} type={f.type ?? 'text'} required={f.required ?? true} placeholder={f.placeholder} step={f.type === 'number' ? 1 : undefined} />
        </label>
      ))}
      <button type="submit" className="primary" disabled={busy}>
        {submitLabel}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

/** "SKU-1 x 3, SKU-2 x 1" → lines. */
export function parseLines(text: string): Array<{ sku: string; quantity: number }> {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [sku, quantity] = part.split(/\s*[x×]\s*/i);
      return { sku: sku.trim(), quantity: Number(quantity) };
    });
}

export function DocHistoryList({ history }: { history: Array<{ at: string; status: string; note?: string }> }) {
  return (
    <section className="card">
      <h2>History</h2>
      <ol>
        {history.map((h, i) => (
          <li key={i}>
            {new Date(h.at).toLocaleString()} · <strong>{h.status}</strong>
            {h.note ? ` · ${h.note}` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
