/**
 * The order's actions: buttons for what the role may do, and the dialog of the action named
 * in the URL (/orders/:id/:action). A URL opens its dialog whatever the role: the console
 * only hides buttons, the API decides, and its 403 is shown like any other refusal.
 */
import { useEffect, useState } from 'react';
import { api, ApiFailure, enc } from '../api';
import { ActionDialog } from '../components/ActionDialog';
import { may, type Action } from '../roles';
import { navigate } from '../router';
import type { Identity } from '../session';
import { TERMINAL, type Hold, type OrderView } from '../types';
import { EditFields, HoldFields, ReasonField, editBody, holdBody, parseLines } from './order-forms';
import { ReturnFields } from './return-forms';

export type UrlAction = 'hold' | 'edit' | 'cancel' | 'retry' | 'return';
const URL_ACTIONS: readonly string[] = ['hold', 'edit', 'cancel', 'retry', 'return'];
export const isUrlAction = (a: string | undefined): a is UrlAction => a !== undefined && URL_ACTIONS.includes(a);

/** Whether this server serves POST /orders/:id/returns: its contract says (returns come from another change). */
function useReturnsOffered(): boolean {
  const [offered, setOffered] = useState(false);
  useEffect(() => {
    api<{ paths?: Record<string, Record<string, unknown>> }>('GET', '/openapi.json')
      .then((doc) => setOffered(Boolean(doc.paths?.['/orders/{orderId}/returns']?.post)))
      .catch(() => setOffered(false));
  }, []);
  return offered;
}

interface Props {
  order: OrderView;
  me: Identity;
  action: string | undefined;
  onChanged(): void;
}

export function OrderActions({ order, me, action, onChanged }: Props) {
  const returnsOffered = useReturnsOffered();
  const [returnsGone, setReturnsGone] = useState(false);
  const id = order.orderId;
  const base = `/orders/${enc(id)}`;
  const open = (a: UrlAction) => navigate(`${base}/${a}`);
  const close = () => navigate(base);
  const done = () => onChanged();
  const closed = TERMINAL.includes(order.status);

  const buttons: Array<{ action: UrlAction; label: string; show: boolean }> = [
    { action: 'hold', label: 'Place hold', show: !closed },
    { action: 'edit', label: 'Edit order', show: !closed },
    { action: 'retry', label: 'Retry failed step', show: order.status === 'needs_attention' },
    { action: 'return', label: 'Authorize return', show: order.status === 'delivered' && returnsOffered && !returnsGone },
    { action: 'cancel', label: 'Cancel order', show: !closed },
  ];
  const shown = buttons.filter((b) => b.show && may(me.role, b.action as Action));

  return (
    <>
      {shown.length > 0 && (
        <div className="actions" role="group" aria-label="Order actions">
          {shown.map((b) => (
            <button key={b.action} type="button" className={b.action === 'cancel' ? 'danger' : undefined} onClick={() => open(b.action)}>
              {b.label}
            </button>
          ))}
        </div>
      )}
      {action === 'hold' && (
        <ActionDialog
          title={`Place a hold on ${id}`}
          explain="The order stops where it is (an open pick task is cancelled, the stock stays held) until every hold is released."
          confirmLabel="Place hold"
          onConfirm={async (form) => {
            await api('POST', `${base}/holds`, holdBody(form));
            done();
          }}
          onClose={close}
        >
          <HoldFields />
        </ActionDialog>
      )}
      {action === 'edit' && (
        <ActionDialog
          title={`Edit ${id}`}
          explain="Only before picking: lowering a quantity or removing a line releases that stock."
          confirmLabel="Save edit"
          onConfirm={async (form) => {
            await api('POST', `${base}/edits`, editBody(form, order));
            done();
          }}
          onClose={close}
        >
          <EditFields order={order} />
        </ActionDialog>
      )}
      {action === 'cancel' && (
        <ActionDialog
          title={`Cancel ${id}?`}
          explain="Reserved stock goes back, the pick task and the label are voided. This cannot be undone."
          confirmLabel="Cancel order"
          danger
          onConfirm={async (form) => {
            await api('POST', `${base}/cancel`, { reason: String(form.get('reason')).trim() });
            done();
          }}
          onClose={close}
        >
          <ReasonField label="Reason for cancelling" />
        </ActionDialog>
      )}
      {action === 'retry' && (
        <ActionDialog
          title={`Retry ${order.failedStep ?? 'the failed step'} of ${id}?`}
          explain={order.lastError ? `It failed with: ${order.lastError.message}` : 'The failed step runs again.'}
          confirmLabel="Retry"
          onConfirm={async () => {
            await api('POST', `${base}/retry`, {});
            done();
          }}
          onClose={close}
        />
      )}
      {action === 'return' && (
        <ActionDialog
          title={`Authorize a return for ${id}`}
          explain="The customer may send these units back; they are inspected on arrival."
          confirmLabel="Authorize return"
          onConfirm={async (form) => {
            try {
              await api('POST', `${base}/returns`, { lines: parseLines(String(form.get('lines') ?? '')), reason: String(form.get('reason')).trim() });
            } catch (err) {
              // No such route on this server (404 from the catch-all, or 405): stop offering it.
              if (err instanceof ApiFailure && (err.status === 405 || (err.status === 404 && err.message.startsWith('No route')))) setReturnsGone(true);
              throw err;
            }
            done();
          }}
          onClose={close}
        >
          <ReturnFields order={order} />
        </ActionDialog>
      )}
    </>
  );
}

export function ReleaseDialog({ order, hold, onClose, onChanged }: { order: OrderView; hold: Hold; onClose(): void; onChanged(): void }) {
  return (
    <ActionDialog
      title={`Release hold ${hold.holdId}?`}
      explain={`Reason: ${hold.reason}${hold.note ? ` — ${hold.note}` : ''}. When the last hold goes, the order moves on from where it stopped.`}
      confirmLabel="Release hold"
      onConfirm={async () => {
        await api('DELETE', `/orders/${enc(order.orderId)}/holds/${enc(hold.holdId)}`);
        onChanged();
      }}
      onClose={onClose}
    />
  );
}
