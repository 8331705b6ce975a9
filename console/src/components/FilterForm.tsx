/** A list page's filters kept in the URL's query, and the form that sets them. */
import { query } from '../api';
import { navigate, useLocation } from '../router';

/** The filters the URL holds now (absent ones undefined), and a key that changes when they do. */
export function useUrlFilters<F extends string>(names: readonly F[]): { filters: Record<F, string | undefined>; key: string } {
  const { search } = useLocation();
  const filters = Object.fromEntries(names.map((f) => [f, search.get(f) ?? undefined])) as Record<F, string | undefined>;
  return { filters, key: JSON.stringify(filters) };
}

/** One text input per filter; submitting navigates to `path` with the filled ones in the query. */
export function FilterForm<F extends string>({ label, path, names, values }: { label: string; path: string; names: readonly F[]; values: Record<F, string | undefined> }) {
  return (
    <form
      className="card inline-form"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        navigate(`${path}${query(Object.fromEntries(names.map((f) => [f, String(form.get(f) ?? '').trim()])))}`);
      }}
    >
      {names.map((f) => (
        <label key={f}>
          {f}
          <input name={f} defaultValue={values[f]} />
        </label>
      ))}
      <button type="submit">Filter</button>
    </form>
  );
}
