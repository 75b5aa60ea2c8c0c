/**
 * The bad-row report of a read: what happened to a file's lines, the general reasons a row is rejected, and the
 * check that ends a read with DATA_EMPTY or DATA_MOSTLY_BAD. Pure module.
 */
import { StudioError } from '../errors';

/** What happened to the lines of a file. */
export interface BadRowReport {
  /** Physical lines read, including a header and blank lines. */
  totalLines: number;
  goodRows: number;
  badRows: number;
  /** The first {@link MAX_BAD_EXAMPLES} bad rows with their specific reason. */
  examples: { line: number; reason: string }[];
  /** Bad rows per general reason. */
  byReason: Record<string, number>;
}

/** How many bad-row examples a report keeps. */
export const MAX_BAD_EXAMPLES = 20;
/** General bad-row reasons (the keys of {@link BadRowReport.byReason}) besides the splitter's. */
export const BAD_REASONS = {
  columns: 'wrong number of columns',
  labelEmpty: 'the label is empty',
  labelValue: 'the label is not 0 or 1',
  notNumber: 'a numeric cell is not a number',
  notTime: 'a time stamp cell is not a time',
} as const;

/** Throws DATA_EMPTY when there were no data rows, DATA_MOSTLY_BAD when more than half of them were rejected. */
export function checkReport(report: BadRowReport): void {
  const total = report.goodRows + report.badRows;
  if (total === 0) {
    throw new StudioError(
      'DATA_EMPTY',
      'The file has no data rows (it is empty, blank or only a header line).',
      report,
    );
  }
  if (report.badRows * 2 > total) {
    const [reason, count] = Object.entries(report.byReason).sort((a, b) => b[1] - a[1])[0];
    const first = report.examples[0]?.line;
    const what =
      report.goodRows === 0
        ? `All ${total} data rows were rejected`
        : `${report.badRows} of ${total} data rows were rejected`;
    throw new StudioError(
      'DATA_MOSTLY_BAD',
      `${what}; the most common reason is "${reason}" (${count} rows), first seen at ` +
        `line ${first}, so check the delimiter, the label column and the column kinds.`,
      report,
    );
  }
}
