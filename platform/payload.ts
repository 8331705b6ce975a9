import { defaultPayloadConverter, type Payload } from '@temporalio/common';

/** A payload from a raw Temporal answer (search attributes, memo) as a value; undefined when absent or unreadable. */
export function decodePayload(payload: Payload | null | undefined): unknown {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined;
  }
}
