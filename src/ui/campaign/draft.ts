/**
 * The recruiter's campaign while it is being built, and how it becomes a core Campaign. All the
 * checking is core's (validateProspects, checkCampaign); this file only applies the recruiter's
 * choices (mapping, edits, exclusions, do-not-contact, tracking) in between.
 */
import { type Campaign, checkCampaign, type Readiness } from '../../core/campaign';
import {
  type ColumnMapping,
  doNotContactList,
  type ProspectTable,
  type RowProblem,
  suggestMapping,
  validateProspects,
} from '../../core/prospects';
import { DEFAULT_SEQUENCE, type SequenceSettings } from '../../core/sequence/types';
import { recruiterTimeZone } from './sequence/steps';
import type { MailTemplate } from '../../core/template';

export interface CampaignDraft {
  id: string;
  name: string;
  table: ProspectTable | null;
  mapping: ColumnMapping;
  /** Data rows (1-based) the recruiter left out. */
  excluded: number[];
  /** The pasted do-not-contact list: one address or `@domain` per line. */
  doNotContact: string;
  template: MailTemplate;
  trackOpens: boolean;
  /** Data rows whose open tracking the recruiter switched off. */
  untracked: number[];
  ratePerMinute: number;
  /** Follow-up steps, sending window, out-of-office rule and grace period (#10). */
  sequence: SequenceSettings;
}

/** A campaign with its sequence (core's Campaign gains `sequence?` in #10; this stays compatible). */
export type SequencedCampaign = Campaign & { sequence?: SequenceSettings };

export function emptyDraft(id: string): CampaignDraft {
  return {
    id,
    name: 'New campaign',
    table: null,
    mapping: [],
    excluded: [],
    doNotContact: '',
    template: { subject: '', html: '' },
    trackOpens: true,
    untracked: [],
    ratePerMinute: 30,
    sequence: DEFAULT_SEQUENCE,
  };
}

/**
 * The one place an older saved draft (from before sequences) gets today's defaults: one step, any
 * time, the default grace period. Drafts that have them are returned as they are.
 */
export function withDraftDefaults(draft: CampaignDraft): CampaignDraft {
  const saved = draft as Omit<CampaignDraft, 'sequence'> & { sequence?: Partial<SequenceSettings> };
  if (saved.sequence && Array.isArray(saved.sequence.followUps) && saved.sequence.outOfOffice) return draft;
  return { ...draft, sequence: { ...DEFAULT_SEQUENCE, ...saved.sequence } };
}

/** A new table replaces the old one: edits, exclusions and per-row choices no longer apply. */
export function withTable(draft: CampaignDraft, table: ProspectTable): CampaignDraft {
  return { ...draft, table, mapping: suggestMapping(table.headers), excluded: [], untracked: [] };
}

export function withCell(draft: CampaignDraft, row: number, column: number, value: string): CampaignDraft {
  if (!draft.table) return draft;
  const rows = draft.table.rows.slice();
  const cells = (rows[row - 1] ?? []).slice();
  while (cells.length <= column) cells.push('');
  cells[column] = value;
  rows[row - 1] = cells;
  // The row was edited: a parse problem reported for it no longer describes it.
  const problems = draft.table.problems.filter((p) => p.row !== row);
  return { ...draft, table: { ...draft.table, rows, problems } };
}

export function toggled(list: number[], row: number, on: boolean): number[] {
  const without = list.filter((r) => r !== row);
  return on ? [...without, row] : without;
}

export interface DerivedCampaign {
  campaign: SequencedCampaign;
  /** Problems per row (errors keep the row out), from core's validation. */
  problems: RowProblem[];
  /** Set when the rows cannot be checked at all (no email column mapped). */
  mappingError: string | null;
  readiness: Readiness;
}

/** The Campaign the draft describes, with every problem core finds. */
export function deriveCampaign(saved: CampaignDraft): DerivedCampaign {
  const draft = withDraftDefaults(saved);
  let prospects: Campaign['prospects'] = [];
  let problems: RowProblem[] = [];
  let fields: string[] = draft.mapping.filter((f): f is string => f !== null);
  let mappingError: string | null = null;
  if (draft.table) {
    try {
      const validated = validateProspects(draft.table, draft.mapping, {
        doNotContact: doNotContactList(draft.doNotContact.split(/[\s,;]+/u)),
      });
      const excluded = new Set(draft.excluded);
      const untracked = new Set(draft.untracked);
      prospects = validated.prospects
        .filter((p) => !excluded.has(p.row))
        .map((p) => (untracked.has(p.row) ? { ...p, trackOpens: false } : p));
      problems = validated.problems;
      fields = validated.fields;
    } catch (error) {
      mappingError = error instanceof Error ? error.message : String(error);
    }
  }
  const campaign: SequencedCampaign = {
    id: draft.id,
    name: draft.name,
    template: draft.template,
    prospects,
    fields,
    trackOpens: draft.trackOpens,
    ratePerMinute: draft.ratePerMinute,
    sequence: sequenceForCampaign(draft),
  };
  return { campaign, problems, mappingError, readiness: checkCampaign(campaign) };
}

/**
 * The sequence as the campaign keeps it. A follow-up goes out as a reply, so its subject is what
 * Exchange gives a reply: "RE: " and step 1's subject (the recruiter does not type one).
 */
function sequenceForCampaign(draft: CampaignDraft): SequenceSettings {
  const subject = `RE: ${draft.template.subject}`;
  return {
    ...draft.sequence,
    followUps: draft.sequence.followUps.map((f) => ({ ...f, template: { ...f.template, subject } })),
    // Business days are counted in the recruiter's zone (the window's, when there is one).
    timeZone: draft.sequence.timeZone ?? recruiterTimeZone(),
  };
}
