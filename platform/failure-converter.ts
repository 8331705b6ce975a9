/**
 * The failure converter used when payload encryption is on (docs/design.md §20, "Hygiene"):
 * a failure's message and stack trace travel as an encoded payload — so the encryption codec
 * seals them too — and Temporal shows "Encoded failure" to anyone without the codec server.
 * Loaded by path (DataConverter.failureConverterPath), so the workflow bundle can carry it.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
