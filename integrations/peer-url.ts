/**
 * The rule for a URL we sign messages to (a warehouse's fulfillmentUrl, CARRIER_URL): http or
 * https only, and no user:password in it — the signature authenticates us, and credentials in
 * a URL end up in logs and in GET /warehouses. Pure, shared by the API, the ledger and config.
 */
export const PEER_URL_MAX = 2_000;

/** Why `value` is not an acceptable peer URL, or undefined when it is. */
export function peerUrlProblem(value: string): string | undefined {
  if (value.length > PEER_URL_MAX) return `must be at most ${PEER_URL_MAX} characters`;
  if (!URL.canParse(value)) return 'is not a URL';
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials (user:password@)';
  if (url.hash !== '') return 'must not contain a #fragment';
  return undefined;
}
