/** The fields of the order actions' dialogs, and how their form data becomes request bodies. */
import { HOLD_REASONS, type Address, type Line, type OrderView } from '../types';

export const linesText = (lines: Line[]): string => lines.map((l) => `${l.sku} ${l.quantity}`).join('\n');

/** "SKU quantity" per line; a malformed line is refused here with the line named. */
export function parseLines(text: string): Line[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(\S+)\s+(\d+)$/.exec(line);
      if (!m) throw new Error(`"${line}": write one line per SKU as "SKU quantity"`);
      return { sku: m[1], quantity: Number(m[2]) };
    });
}

export function HoldFields() {
  return (
    <>
      <label>
        Reason
        <select name="reason" required defaultValue="customer_request">
          {HOLD_REASONS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label>
        Note (optional)
        <input name="note" maxLength={500} />
      </label>
      <label>
        Release by itself at (optional)
        <input name="until" type="datetime-local" />
      </label>
    </>
  );
}

export function holdBody(form: FormData): Record<string, string> {
  const note = String(form.get('note') ?? '').trim();
  const until = String(form.get('until') ?? '');
  return {
    reason: String(form.get('reason')),
    ...(note ? { note } : {}),
    ...(until ? { until: new Date(until).toISOString() } : {}),
  };
}

const ADDRESS_FIELDS: Array<[keyof Address, string]> = [
  ['name', 'Name'],
  ['line1', 'Address line 1'],
  ['line2', 'Address line 2'],
  ['city', 'City'],
  ['region', 'Region'],
  ['postalCode', 'Postal code'],
  ['country', 'Country (ISO code)'],
];

export function EditFields({ order }: { order: OrderView }) {
  return (
    <>
      <label>
        Lines (one per line: SKU quantity)
        <textarea name="lines" rows={Math.max(2, order.lines.length + 1)} defaultValue={linesText(order.lines)} />
      </label>
      <fieldset>
        <legend>Shipping address</legend>
        {ADDRESS_FIELDS.map(([field, label]) => (
          <label key={field}>
            {label}
            <input name={`address.${field}`} defaultValue={order.shippingAddress[field] ?? ''} />
          </label>
        ))}
      </fieldset>
      <label>
        Shipping method
        <select name="shippingMethod" defaultValue={order.shippingMethod}>
          <option value="standard">standard</option>
          <option value="express">express</option>
        </select>
      </label>
    </>
  );
}

/** Only the parts that changed, so an edit of the address does not also re-send the lines. */
export function editBody(form: FormData, order: OrderView): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const lines = parseLines(String(form.get('lines') ?? ''));
  if (linesText(lines) !== linesText(order.lines)) body.lines = lines;
  const address: Record<string, string> = {};
  for (const [field] of ADDRESS_FIELDS) {
    const value = String(form.get(`address.${field}`) ?? '').trim();
    if (value) address[field] = value;
  }
  const before = Object.fromEntries(Object.entries(order.shippingAddress).filter(([, v]) => v !== undefined && v !== ''));
  if (JSON.stringify(Object.entries(address).sort()) !== JSON.stringify(Object.entries(before).sort())) body.shippingAddress = address;
  const method = String(form.get('shippingMethod'));
  if (method !== order.shippingMethod) body.shippingMethod = method;
  if (Object.keys(body).length === 0) throw new Error('Nothing changed: change the lines, the address or the method');
  return body;
}

export function ReasonField({ label }: { label: string }) {
  return (
    <label>
      {label}
      <input name="reason" required maxLength={500} />
    </label>
  );
}
