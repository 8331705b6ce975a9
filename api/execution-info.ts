/** A visibility record (WorkflowExecutionInfo) as an order list item: everything from search attributes. */
import { temporal } from '@temporalio/proto';
import { decodePayload } from '../infra/payload';
import { orderWorkflowId, type OrderStatus } from '../workflows/types';

export interface OrderLinks {
  self: string;
  temporalUi: string;
}

export interface OrderSummary {
  orderId: string;
  status: OrderStatus | 'unknown';
  customerId?: string;
  channel?: string;
  skus: string[];
  warehouseIds: string[];
  workflowStatus: string;
  startedAt: string;
  closedAt?: string;
  links: OrderLinks;
}

const WORKFLOW_ID_PREFIX = orderWorkflowId('');
const STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';

/** RUNNING, COMPLETED, CANCELED, …: Temporal's own names, from the proto enum. */
export function executionStatusName(status: number | null | undefined): string {
  const name = temporal.api.enums.v1.WorkflowExecutionStatus[status ?? 0] as string | undefined;
  return name && name !== `${STATUS_PREFIX}UNSPECIFIED` ? name.slice(STATUS_PREFIX.length) : 'UNKNOWN';
}

type Timestamp = { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;

function tsToIso(ts: Timestamp): string | undefined {
  if (!ts || ts.seconds == null) return undefined;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);
const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

export function orderSummary(raw: temporal.api.workflow.v1.IWorkflowExecutionInfo, links: (orderId: string) => OrderLinks): OrderSummary {
  const workflowId = raw.execution?.workflowId ?? '';
  const orderId = workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : workflowId;
  const fields = raw.searchAttributes?.indexedFields ?? {};
  const attr = (name: string) => decodePayload(fields[name]);
  const closedAt = tsToIso(raw.closeTime);
  return {
    orderId,
    status: (asString(attr('OrderStatus')) as OrderStatus | undefined) ?? 'unknown',
    customerId: asString(attr('CustomerId')),
    channel: asString(attr('Channel')),
    skus: asStrings(attr('Skus')),
    warehouseIds: asStrings(attr('WarehouseIds')),
    workflowStatus: executionStatusName(raw.status),
    startedAt: tsToIso(raw.startTime) ?? new Date(0).toISOString(),
    ...(closedAt ? { closedAt } : {}),
    links: links(orderId),
  };
}
