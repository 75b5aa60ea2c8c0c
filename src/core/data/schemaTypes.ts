/** The types of a data schema: how a file's columns are read, and the user's choices that win. Pure module. */
import type { ColumnKind } from './columnKinds';
import type { SparseLayout } from './sparse';
import type { TimeFormat, TimePart } from './timestamps';

/** One column of a file: its name and use. */
export interface SchemaColumn {
  name: string;
  kind: ColumnKind;
  /** The layout of a 'time' column's values. */
  time?: TimeFormat;
  /** The features a 'time' column gives (all its layout can when absent). */
  parts?: TimePart[];
}

/** What detection saw of a column in the sample, for people (not needed to read the file). */
export interface ColumnNote {
  /** Why the kind was chosen: detection's reason, "set by you", "the Criteo layout". */
  why: string;
  /** Distinct non-missing values in the detection sample. */
  distinct: number;
  /** Share of the detection sample's cells that are missing (0..1). */
  missing: number;
}

/** How to read a file: its layout and one entry per column, in file order, with exactly one 'label'. */
export interface DataSchema {
  format: 'criteo' | 'delimited' | 'libsvm' | 'libfm' | 'parquet';
  /** '\t' for criteo, ' ' for libSVM and libFM, '' for Parquet. */
  delimiter: string;
  hasHeader: boolean;
  columns: SchemaColumn[];
  /** One note per column, when the schema was detected from a sample of the file. */
  notes?: ColumnNote[];
  /** Data rows the kinds were detected from. */
  sampleRows?: number;
  /** libSVM and libFM: which field each feature belongs to, and which fields carry values. */
  sparse?: SparseLayout;
}

/** User choices that win over detection. Column names match exactly, else case-insensitively. */
export interface SchemaOverrides {
  labelColumn?: string;
  kinds?: Record<string, ColumnKind>;
  /** Skip `kinds` entries naming columns the file does not have (instead of failing). */
  lenientKinds?: boolean;
  /**
   * When a file with a header has no column `labelColumn`, take a column with a usual label name (see
   * {@link LABEL_NAMES}, e.g. "Clicked") instead of failing; never a column guessed from its values.
   */
  lenientLabel?: boolean;
  delimiter?: string;
  format?: 'criteo' | 'delimited' | 'libsvm' | 'libfm';
  /**
   * Columns `kinds` does not name (the label aside) are left out: a model's encoding reads only the columns it
   * uses, so a wide file's other columns cost nothing.
   */
  onlyNamed?: boolean;
  /** The features of time stamp columns, by column (a model's encoding, the training file's schema). */
  timeParts?: Record<string, TimePart[]>;
  /** libSVM: the field of each feature index (see parseFeatureMap). */
  featureMap?: Record<string, string>;
  /** libSVM and libFM: read with this layout (the training file's) instead of one detected from the lines. */
  sparse?: SparseLayout;
  /**
   * Read every column as it is, for a model made elsewhere that takes its columns as they are: numbers are
   * numeric and anything else categorical; nothing is left out and no time stamp is split into parts.
   */
  asIs?: boolean;
}
