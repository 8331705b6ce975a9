/**
 * The patch ids of the order workflow (`patched()`): each names a change of the commands a
 * running order issues; histories recorded before it replay the way they ran.
 */

/**
 * The carrier took the parcel in the same workflow activation as a cancel arrived: the parcel
 * wins (the pickup wait sees the result it was handed, wait.ts) and a compensation begun for
 * the cancel is called off before it undid anything (workflow.ts).
 */
export const CANCEL_OUTRUN_BY_PARCEL = 'cancel-outrun-by-parcel';

/**
 * Cost per order (issue #26): three cuts of the commands an order issues, decided once in the
 * first workflow task (one marker, beside the ledger steps' there: one patch, not three, since
 * each patch adds a marker and an upsert to every history) and held for the whole run, so a
 * history recorded before them replays the way it ran.
 *
 * - The stock commit after the label rides on the carrier pickup wait's activity (like the
 *   record does) instead of a local activity of its own.
 * - The delivery wait's activity, when the delivery closes the order, also writes the final
 *   record (domain/delivered-view.ts): no local activity for it at close.
 * - A warehouse or carrier that reports by event (manual, HTTP): its steps are waited for by a
 *   timer alone (or nothing, for the pickup), not by a wait activity that answers "not yet".
 */
export const LEAN_ORDER = 'lean-order';
