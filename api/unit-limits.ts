/**
 * MAX_UNITS_PER_ORDER / MAX_UNITS_PER_LINE: operator limits on top of the schema's, checked
 * after it (they come from the configuration, and a sum over lines is not expressible in
 * JSON Schema), answered as the same 400 `validation_failed` with one issue per problem.
 */
import type { UnitLimits } from '../config/config';
import { validationFailed, type IssueDetail } from './errors';

export function unitLimitIssues(lines: ReadonlyArray<{ quantity: number }>, limits: UnitLimits): IssueDetail[] {
  const issues: IssueDetail[] = [];
  lines.forEach((line, i) => {
    if (line.quantity > limits.maxUnitsPerLine) {
      issues.push({ in: 'body', path: `lines.${i}.quantity`, message: `must be at most ${limits.maxUnitsPerLine} (MAX_UNITS_PER_LINE)`, code: 'too_big' });
    }
  });
  const total = lines.reduce((n, l) => n + l.quantity, 0);
  if (total > limits.maxUnitsPerOrder) {
    issues.push({ in: 'body', path: 'lines', message: `an order may ask for at most ${limits.maxUnitsPerOrder} units in all (MAX_UNITS_PER_ORDER); these lines ask for ${total}`, code: 'too_big' });
  }
  return issues;
}

export function checkUnitLimits(lines: ReadonlyArray<{ quantity: number }> | undefined, limits: UnitLimits): void {
  if (lines === undefined) return;
  const issues = unitLimitIssues(lines, limits);
  if (issues.length > 0) throw validationFailed(issues);
}

export const unitLimitsDoc = (limits: UnitLimits): string =>
  `At most ${limits.maxUnitsPerLine} units per line (MAX_UNITS_PER_LINE) and ${limits.maxUnitsPerOrder} units per order (MAX_UNITS_PER_ORDER): more is a 400 \`validation_failed\`.`;
