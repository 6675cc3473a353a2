/** One person to write to. `fields` holds every mapped merge field, `email` included. */
export interface Prospect {
  /** Stable within its campaign; never derived from personal data. */
  id: string;
  /** 1-based data row in the source table, for messages the recruiter can act on. */
  row: number;
  email: string;
  fields: Record<string, string>;
  /** Per-prospect open-tracking switch (e.g. the person asked not to be tracked). */
  trackOpens: boolean;
}

export type RowProblemKind =
  | 'unreadable-row'
  | 'extra-cells'
  | 'invalid-email'
  | 'duplicate-email'
  | 'missing-field'
  | 'do-not-contact'
  | 'formula-like';

/** A problem with one row. `error` rows are left out of the campaign; `warning` rows stay in. */
export interface RowProblem {
  row: number;
  kind: RowProblemKind;
  severity: 'error' | 'warning';
  field?: string;
  message: string;
}
