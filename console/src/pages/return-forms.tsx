/** The fields of the return dialogs (authorize, receive), and how a receipt's form data becomes its body. */
import { ErrorNote } from '../components/ErrorNote';
import { RETURN_DISPOSITIONS, type Disposition, type InspectedLine, type OrderReturn, type OrderView, type Warehouse } from '../types';
import { linesText, ReasonField } from './order-forms';

export function ReturnFields({ order }: { order: OrderView }) {
  return (
    <>
      <label>
        Lines to return (one per line: SKU quantity)
        <textarea name="lines" rows={Math.max(2, order.lines.length + 1)} defaultValue={linesText(order.lines)} />
      </label>
      <ReasonField label="Reason" />
    </>
  );
}

const isDisposition = (d: string): d is Disposition => (RETURN_DISPOSITIONS as readonly string[]).includes(d);

/** "SKU quantity disposition" per line; a malformed line is refused here with the line named. */
export function parseInspected(text: string): InspectedLine[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(\S+)\s+(\d+)\s+(\S+)$/.exec(line);
      if (!m || !isDisposition(m[3])) throw new Error(`"${line}": write one line per SKU as "SKU quantity ${RETURN_DISPOSITIONS.join('|')}"`);
      return { sku: m[1], quantity: Number(m[2]), disposition: m[3] };
    });
}

export function receiveBody(form: FormData): { warehouseId: string; lines: InspectedLine[] } {
  return { warehouseId: String(form.get('warehouseId')), lines: parseInspected(String(form.get('lines') ?? '')) };
}

/** The warehouse that shipped the return's first SKU: where a parcel usually comes back to. */
export function shippedFrom(order: OrderView, ret: OrderReturn): string | undefined {
  return order.fulfillments.find((f) => f.lines.some((l) => ret.lines.some((r) => r.sku === l.sku)))?.warehouseId;
}

interface ReceiveFieldsProps {
  ret: OrderReturn;
  warehouses: Warehouse[] | undefined;
  warehousesError: unknown;
  defaultWarehouse: string | undefined;
}

export function ReceiveFields({ ret, warehouses, warehousesError, defaultWarehouse }: ReceiveFieldsProps) {
  return (
    <>
      <ErrorNote error={warehousesError} />
      {warehouses ? (
        <label>
          Received at
          {/* Rendered once the list is in, so the default is among the options when the select mounts. */}
          <select name="warehouseId" required defaultValue={defaultWarehouse}>
            {warehouses.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name === w.id ? w.id : `${w.id} — ${w.name}`}
                {w.active ? '' : ' (inactive)'}
              </option>
            ))}
          </select>
        </label>
      ) : warehousesError ? (
        // Without the list the receipt can still go out; the API says if the id is unknown.
        <label>
          Received at (warehouse id)
          <input name="warehouseId" required defaultValue={defaultWarehouse} />
        </label>
      ) : (
        <p>Loading warehouses…</p>
      )}
      <label>
        Lines that arrived (one per line: SKU quantity {RETURN_DISPOSITIONS.join('|')})
        <textarea name="lines" rows={Math.max(2, ret.lines.length + 1)} defaultValue={ret.lines.map((l) => `${l.sku} ${l.quantity} restock`).join('\n')} />
      </label>
    </>
  );
}
