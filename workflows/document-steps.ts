/**
 * What a stock document's workflow (purchase order, transfer) shares: its Updates apply one
 * step at a time, each step's result is the document as stored after it, and the status is
 * published (search attribute, current details) after every step. Workflow code: deterministic.
 */
import { allHandlersFinished, condition, log, setCurrentDetails, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { KeywordKey } from './search-attributes';

export class DocumentSteps<V extends { status: string }> {
  /** Bumped by every step, so a wait can tell that the document moved. */
  version = 0;
  private busy = false;
  private updateSeen = false;
  private published = '';

  constructor(
    public view: V,
    /** What the document is called in the log ('purchase order', 'transfer'). */
    private readonly name: string,
    private readonly statusKey: KeywordKey,
    private readonly details: (view: V) => string[],
    /** Names the document in the log when a step is refused or fails. */
    private readonly logContext: Record<string, string>,
    /** A business refusal from the activity, as the Update's own failure. */
    private readonly refusalOf: (err: unknown) => unknown,
  ) {}

  publish(): void {
    if (this.published !== this.view.status) {
      upsertSearchAttributes([{ key: this.statusKey, value: this.view.status }]);
      this.published = this.view.status;
    }
    setCurrentDetails(this.details(this.view).join('\n\n'));
  }

  /** Runs `run` once no other step runs; its answer becomes the view. */
  async step(run: () => Promise<V>, fromUpdate: boolean): Promise<V> {
    await this.idle();
    this.busy = true;
    if (fromUpdate) this.updateSeen = true;
    try {
      this.view = await run();
      this.version++;
      this.publish();
      return this.view;
    } catch (err) {
      log.warn(`${this.name} step refused or failed`, { ...this.logContext, error: (err as Error).message });
      throw this.refusalOf(err);
    } finally {
      this.busy = false;
    }
  }

  idle(): Promise<void> {
    return condition(() => !this.busy);
  }

  /** As in the order workflow: an Update that finished the document is made durable before close. */
  async close(): Promise<V> {
    await condition(allHandlersFinished);
    if (this.updateSeen) {
      await sleep(1, { summary: 'close' });
      await condition(allHandlersFinished);
    }
    return this.view;
  }
}
