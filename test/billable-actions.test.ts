import { readFileSync } from 'node:fs';
import path from 'node:path';
import { billableActions } from '../bench/billable-actions';

const history = (name: string) => JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'histories', `${name}.json`), 'utf8')).events;

describe('billable Temporal Cloud actions counted from a history (the documented mapping)', () => {
  it('a delivered simulated order: start, 6 activities, 3 workflow tasks with local activities, 6 upserts', () => {
    expect(billableActions(history('order-delivered-simulated'))).toEqual({
      total: 16,
      byKind: { 'workflow started': 1, 'activity attempts': 6, 'local activities (per workflow task)': 3, 'search attribute upserts': 6 },
    });
  });

  it('the same order with the lean-order cuts (patches.ts): the commit rides on the pickup wait, the delivery wait writes the closing record', () => {
    expect(billableActions(history('order-delivered-simulated-lean'))).toEqual({
      total: 13,
      byKind: { 'workflow started': 1, 'activity attempts': 6, 'local activities (per workflow task)': 1, 'search attribute upserts': 5 },
    });
  });

  it('a patch marker is no local activity: alone in a workflow task it costs nothing', () => {
    const patch = { eventType: 'EVENT_TYPE_MARKER_RECORDED', markerRecordedEventAttributes: { markerName: 'core_patch' } };
    const local = { eventType: 'EVENT_TYPE_MARKER_RECORDED', markerRecordedEventAttributes: { markerName: 'core_local_activity' } };
    const task = { eventType: 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED' };
    expect(billableActions([{ eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' }, task, patch, task, patch, local]).total).toBe(2);
  });

  it('counts every activity attempt, each timer and each accepted Update, and local activities once per workflow task', () => {
    const events = [
      { eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' },
      { eventType: 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED' },
      { eventType: 'EVENT_TYPE_MARKER_RECORDED' },
      { eventType: 'EVENT_TYPE_MARKER_RECORDED' },
      { eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' },
      { eventType: 'EVENT_TYPE_ACTIVITY_TASK_STARTED', activityTaskStartedEventAttributes: { attempt: 3 } },
      { eventType: 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED' },
      { eventType: 'EVENT_TYPE_MARKER_RECORDED' },
      { eventType: 'EVENT_TYPE_TIMER_STARTED' },
      // patched() makes core upsert TemporalChangeVersion: exempt.
      { eventType: 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { TemporalChangeVersion: {} } } } },
      { eventType: 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES', upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { OrderStatus: {} } } } },
      { eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED' },
      { eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED' },
      { eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED' },
    ];
    expect(billableActions(events).total).toBe(1 + 2 + 3 + 1 + 1 + 1 + 1);
  });

  it('reads enum event types from the gRPC client with the enum names given', () => {
    expect(billableActions([{ eventType: 1 }, { eventType: 10 }], { 1: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', 10: 'EVENT_TYPE_ACTIVITY_TASK_STARTED' }).total).toBe(2);
  });
});
