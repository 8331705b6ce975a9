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
