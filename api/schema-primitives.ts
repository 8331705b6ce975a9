/** Identifiers, text and URL rules that request schemas of every resource share. */
import { z } from 'zod';
import { ID_PATTERN, ID_RULE } from './ids';

export const identifier = (what: string) => z.string().regex(ID_PATTERN, `${what} must be ${ID_RULE}`).describe(`${what}: ${ID_RULE}`);

export const orderIdSchema = identifier('order id');
/** Words that are routes under /inventory, so they cannot be SKU codes. */
export const RESERVED_SKU_CODES = ['alerts', 'reconciliation', 'receipts', 'adjustments'];
export const skuCodeSchema = identifier('SKU').refine((v) => !RESERVED_SKU_CODES.includes(v), {
  message: `SKU must not be one of ${RESERVED_SKU_CODES.join(', ')} (they are routes under /inventory)`,
});
export const warehouseIdSchema = identifier('warehouse id');
export const channelSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'channel must be 1-64 characters: letters, digits, ".", "_", ":" or "-"')
  .describe('Sales channel, e.g. "web" or "marketplace:acme"');

/** A bigint id (a page cursor, a delivery id) in a URL: 18 digits hold every id there will be, and never pass bigint's range (a 19-digit one could: a 500). */
export const BIGINT_ID = /^[1-9][0-9]{0,17}$/;

/**
 * No control characters: the Unicode Cc category spelled out as ranges, the same set in the
 * regex subset every fuzzer and JSON Schema validator reads (`\p{…}` is not in it).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f-\u009f]*$/;

const LABEL = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
// A last label of digits makes the WHATWG parser read the host as an IPv4 address.
const TOP_LABEL = '[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const PORT = '(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
// A bracketed IPv6 literal: its shape only (the refinements parse it), so [::1] reaches the destination check.
const IPV6 = '\\[[0-9A-Fa-f:.]{2,45}\\]';
/**
 * The shape of a URL we POST to, as a pattern the document carries: http or https, a host name,
 * an IPv4 address or a bracketed IPv6 one, an optional port, a path of printable ASCII, no credentials and no
 * fragment. So what a client or a fuzzer builds from it is accepted; the refinements still decide.
 */
export const HTTP_URL_PATTERN = new RegExp(
  `^https?://((${LABEL}\\.)*${TOP_LABEL}|${OCTET}(\\.${OCTET}){3}|${IPV6})(:${PORT})?(/[\\x21\\x22\\x24-\\x7e]*)?$`,
);

/** Printable text without control characters. */
export const text = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(NO_CONTROL_CHARS, 'must not contain control characters');

/** For routes that take no query parameters: any one is a 400. */
export const emptyQuerySchema = z.object({}).strict();
