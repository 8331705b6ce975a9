/**
 * Registration of an outbound destination (a webhook URL, a fulfillmentUrl): in production a
 * literal internal address or `localhost` is refused with 422 destination_not_allowed
 * (docs/design.md §20). A name is accepted here and judged each time a connection is made.
 */
import { destinationProblem, type OutboundConfig } from '../config/outbound';
import { ApiError } from './errors';

export function checkDestination(field: string, url: string, outbound: OutboundConfig | undefined): void {
  const problem = outbound && destinationProblem(url, outbound);
  if (problem) throw new ApiError(422, 'destination_not_allowed', `${field}: ${problem}`, { field });
}
