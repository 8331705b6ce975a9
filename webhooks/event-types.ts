/** The webhook event types of docs/design.md §11: what a subscription may ask for. */
export const WEBHOOK_EVENT_TYPES = [
  'order.created',
  'order.status_changed',
  'order.shipped',
  'order.delivered',
  'order.cancelled',
  'return.received',
  'inventory.available_changed',
  'inventory.reorder_alert',
  'purchase_order.received',
  'purchase_order.late',
  'transfer.received',
  'order.promise_changed',
  'order.ship_by_missed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What is signed and POSTed: `webhook-id` carries the same `id`. */
export interface WebhookEnvelope {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: Record<string, unknown>;
}

export const isWebhookEventType = (value: string): value is WebhookEventType => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
