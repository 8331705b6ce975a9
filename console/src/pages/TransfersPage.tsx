/** Transfers (docs/design.md §15): the list with filters, and for admins the form that requests one. */
import { api, enc, query } from '../api';
import { ErrorNote } from '../components/ErrorNote';
import { FilterForm, useUrlFilters } from '../components/FilterForm';
import { when } from '../components/OrderTable';
import { parseLines, SimpleForm } from '../components/SimpleForm';
import { StatusBadge } from '../components/StatusBadge';
import { useApiData } from '../components/useApiData';
import { may } from '../roles';
import { Link, navigate } from '../router';
import type { Identity } from '../session';
import type { Transfer } from '../types';

const FILTERS = ['status', 'warehouseId', 'sku'] as const;

export function TransfersPage({ me }: { me: Identity }) {
  const { filters, key } = useUrlFilters(FILTERS);
  const list = useApiData(() => api<{ transfers: Transfer[]; nextCursor?: string }>('GET', `/transfers${query({ ...filters, limit: '50' })}`), [key]);
  return (
    <main>
      <h1>Transfers</h1>
      <FilterForm label="Filter transfers" path="/transfers" names={FILTERS} values={filters} />
      {may(me.role, 'documents') && (
        <SimpleForm
          title="Request a transfer"
          submitLabel="Request"
          fields={[
            { name: 'fromWarehouseId', label: 'From warehouse' },
            { name: 'toWarehouseId', label: 'To warehouse' },
            { name: 'lines', label: 'Lines', placeholder: 'SKU-1 x 4' },
            { name: 'expectedAt', label: 'Expected at (optional)', required: false },
          ]}
          onSubmit={async (v) => {
            const t = await api<Transfer>('POST', '/transfers', {
              fromWarehouseId: v.fromWarehouseId,
              toWarehouseId: v.toWarehouseId,
              lines: parseLines(v.lines),
              ...(v.expectedAt ? { expectedAt: v.expectedAt } : {}),
            });
            navigate(`/transfers/${enc(t.transferId)}`);
          }}
        />
      )}
      <ErrorNote error={list.error} />
      <section className="card">
        <table data-testid="transfers">
          <thead>
            <tr>
              <th scope="col">Transfer</th>
              <th scope="col">Status</th>
              <th scope="col">From → to</th>
              <th scope="col">Units</th>
              <th scope="col">Expected</th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.transfers ?? []).map((t) => (
              <tr key={t.transferId}>
                <td>
                  <Link to={`/transfers/${enc(t.transferId)}`}>{t.transferId}</Link>
                </td>
                <td>
                  <StatusBadge status={t.status} />
                </td>
                <td>
                  {t.fromWarehouseId} → {t.toWarehouseId}
                </td>
                <td>{t.lines.reduce((n, l) => n + l.quantity, 0)}</td>
                <td>{when(t.expectedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && list.data.transfers.length === 0 && <p className="empty">No transfers.</p>}
      </section>
    </main>
  );
}
