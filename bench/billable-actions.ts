/**
 * Billable Temporal Cloud actions of one workflow, counted from its history with the mapping
 * Temporal documents (docs.temporal.io/cloud/actions, "Temporal Cloud Actions"): a start, each
 * activity attempt, all local activities (their markers; not patched()'s) of one workflow task together as one, each
 * search-attribute upsert (those given at start, and TemporalChangeVersion, are free), each timer, each signal, each accepted
 * Update. Not in a history, so not counted here: queries, activity heartbeats that reach the
 * server, rejected Updates (the documented exclusions of the history-based estimate). The
 * dev server (temporal CLI) exposes no `action` metric on `--metrics-port`, hence the history.
 */
/** What is read of a history event: from the gRPC client (enum number) or a JSON history (name). */
export interface HistoryEvent {
  eventType?: unknown;
  activityTaskStartedEventAttributes?: { attempt?: number | null } | null;
  markerRecordedEventAttributes?: { markerName?: string | null } | null;
  upsertWorkflowSearchAttributesEventAttributes?: { searchAttributes?: { indexedFields?: Record<string, unknown> | null } | null } | null;
}

/** TemporalChangeVersion (written for patched()) is exempt from action counting. */
function billableUpsert(e: HistoryEvent): boolean {
  const fields = Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
  return fields.length === 0 || fields.some((f) => f !== 'TemporalChangeVersion');
}
const T = 'EVENT_TYPE_';

export interface ActionCount {
  total: number;
  byKind: Record<string, number>;
}

/** Event type as a name whether the history came from JSON (string) or the gRPC client (enum number). */
function typeName(e: HistoryEvent, names: Record<number, string>): string {
  const t = e.eventType as unknown;
  if (typeof t === 'string') return t.startsWith(T) ? t.slice(T.length) : t;
  return (names[Number(t)] ?? String(t)).replace(T, '');
}

export function billableActions(events: HistoryEvent[], names: Record<number, string> = {}): ActionCount {
  const byKind: Record<string, number> = {};
  const add = (kind: string, n = 1) => (byKind[kind] = (byKind[kind] ?? 0) + n);
  // Markers are counted once per workflow task: the task's completion precedes its commands.
  let taskWithMarker = -1;
  let task = 0;
  for (const e of events) {
    const type = typeName(e, names);
    switch (type) {
      case 'WORKFLOW_EXECUTION_STARTED':
        add('workflow started');
        break;
      case 'WORKFLOW_TASK_COMPLETED':
        task++;
        break;
      case 'ACTIVITY_TASK_STARTED': {
        // One action per attempt: the started event carries the attempt that ran last.
        const attempt = Number(e.activityTaskStartedEventAttributes?.attempt ?? 1);
        add('activity attempts', Math.max(1, attempt));
        break;
      }
      case 'MARKER_RECORDED':
        // A patch marker (patched(), `core_patch`) is no local activity and no action.
        if (e.markerRecordedEventAttributes?.markerName === 'core_patch') break;
        if (taskWithMarker !== task) {
          taskWithMarker = task;
          add('local activities (per workflow task)');
        }
        break;
      case 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES':
        if (billableUpsert(e)) add('search attribute upserts');
        break;
      case 'TIMER_STARTED':
        add('timers');
        break;
      case 'WORKFLOW_EXECUTION_SIGNALED':
        add('signals');
        break;
      case 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED':
        add('updates');
        break;
      case 'START_CHILD_WORKFLOW_EXECUTION_INITIATED':
        add('child workflows', 2);
        break;
      default:
        break;
    }
  }
  return { total: Object.values(byKind).reduce((t, n) => t + n, 0), byKind };
}
