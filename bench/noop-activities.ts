/** The baseline's activity: does nothing, answers at once. */
export const noopActivities = {
  async noop(step: number): Promise<number> {
    return step;
  },
};

export type NoopActivities = typeof noopActivities;
