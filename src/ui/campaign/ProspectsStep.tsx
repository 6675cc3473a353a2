import {
  Button,
  Checkbox,
  Field,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useId, useMemo, useState } from 'react';
import { firstRows, MAX_CAMPAIGN_ROWS, sendingDays } from '../../core/campaign';
import {
  fieldNameFromHeader,
  parseProspectTable,
  type ProspectTable as ParsedTable,
  type RowProblem,
  STANDARD_FIELDS,
} from '../../core/prospects';
import { DAILY_RECIPIENT_LIMIT } from '../../core/send';
import { useScreenStyles } from '../components/screen-styles';
import { type CampaignDraft, type DerivedCampaign, toggled, withCell, withTable } from './draft';
import { countOf, FIELD_LABELS, NOUNS, PROBLEM_LABELS } from './labels';
import { ProspectTable } from './ProspectTable';

export interface StepProps {
  draft: CampaignDraft;
  derived: DerivedCampaign;
  update: (change: (draft: CampaignDraft) => CampaignDraft) => void;
}

const useStyles = makeStyles({
  // One column in a 320–350 px pane, more when there is room; each header sits above its select
  // and wraps rather than being cut.
  mapping: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(min(100%, 200px), 1fr))',
    gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    alignItems: 'end',
  },
  column: { minWidth: 0 },
  // A select is as wide as its longest option ("Custom: {{notesFromTheFirstScreeningCall}}") unless told.
  selectRoot: { minWidth: 0, maxWidth: '100%' },
  select: { minWidth: 0, width: '100%', textOverflow: 'ellipsis' },
  header: { overflowWrap: 'anywhere' },
  counts: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

/** Paste or upload the list, map its columns, fix or leave out rows, and apply do-not-contact. */
export function ProspectsStep({ draft, derived, update }: StepProps) {
  const styles = useScreenStyles();
  const own = useStyles();
  const [pasted, setPasted] = useState('');
  const [problemsOnly, setProblemsOnly] = useState(false);
  const fileId = useId();

  // A list too large for one campaign is held here until the recruiter decides what to import.
  const [tooLarge, setTooLarge] = useState<ParsedTable | null>(null);
  const accept = (parsed: ParsedTable) => {
    setTooLarge(null);
    update((d) => withTable(d, parsed));
  };
  const load = (text: string) => {
    const parsed = parseProspectTable(text);
    if (parsed.rows.length > MAX_CAMPAIGN_ROWS) setTooLarge(parsed);
    else accept(parsed);
  };
  const table = draft.table;
  const days = sendingDays(derived.campaign.prospects.length);

  // The list's own problems, plus values the template needs that a row lacks (no fallback given):
  // both are fixed here, row by row.
  const problems = useMemo<RowProblem[]>(
    () => [
      ...derived.problems,
      ...derived.readiness.prospects.map((p): RowProblem => ({
        row: p.row,
        kind: 'missing-field',
        severity: 'error',
        field: p.field,
        message: p.message,
      })),
    ],
    [derived.problems, derived.readiness.prospects],
  );
  const problemsByRow = useMemo(() => {
    const map = new Map<number, RowProblem[]>();
    for (const p of problems) map.set(p.row, [...(map.get(p.row) ?? []), p]);
    return map;
  }, [problems]);
  const counts = useMemo(() => {
    const c = new Map<string, number>();
    for (const p of problems) if (p.severity === 'error') c.set(p.kind, (c.get(p.kind) ?? 0) + 1);
    return [...c.entries()];
  }, [problems]);
  const rowsWithErrors = useMemo(
    () => new Set(problems.filter((p) => p.severity === 'error').map((p) => p.row)).size,
    [problems],
  );
  const blocked = new Set(derived.readiness.prospects.map((p) => p.row)).size;

  return (
    <div className={styles.screen}>
      <Field label="Paste rows from a spreadsheet (with the header row)">
        <Textarea value={pasted} onChange={(_e, d) => setPasted(d.value)} resize="vertical" rows={3} />
      </Field>
      <div className={styles.actions}>
        <Button appearance="primary" disabled={!pasted.trim()} onClick={() => load(pasted)}>
          Use pasted rows
        </Button>
        <label htmlFor={fileId}>
          <span className={styles.text}>or upload a CSV file: </span>
          <input
            id={fileId}
            type="file"
            accept=".csv,.tsv,.txt,text/csv,text/plain"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void readText(file).then(load);
            }}
          />
        </label>
      </div>

      {tooLarge && (
        <MessageBar intent="warning" layout="multiline" data-testid="too-many-rows">
          <MessageBarBody>
            <MessageBarTitle>This list is too long for one campaign</MessageBarTitle> It has{' '}
            {countOf(tooLarge.rows.length, NOUNS.row)}. Microsoft 365 lets a mailbox send to{' '}
            {DAILY_RECIPIENT_LIMIT.toLocaleString('en')} recipients a day, so the whole list would take{' '}
            {countOf(sendingDays(tooLarge.rows.length), NOUNS.day)} to send. Candor takes at most{' '}
            {MAX_CAMPAIGN_ROWS.toLocaleString('en')} rows (
            {countOf(sendingDays(MAX_CAMPAIGN_ROWS), NOUNS.day)}) into one campaign. Import the first{' '}
            {MAX_CAMPAIGN_ROWS.toLocaleString('en')} now and keep the rest in a separate file for a later
            campaign, or choose a shorter list.
          </MessageBarBody>
          <MessageBarActions>
            <Button appearance="primary" onClick={() => accept(firstRows(tooLarge, MAX_CAMPAIGN_ROWS))}>
              Import the first {MAX_CAMPAIGN_ROWS.toLocaleString('en')} rows
            </Button>
            <Button onClick={() => setTooLarge(null)}>Choose another list</Button>
          </MessageBarActions>
        </MessageBar>
      )}

      {table && (
        <>
          <h2 className={styles.subheading}>Columns</h2>
          <div className={own.mapping}>
            {table.headers.map((header, column) => {
              const custom = fieldNameFromHeader(header);
              const value = draft.mapping[column] ?? '';
              return (
                <Field
                  key={column}
                  className={own.column}
                  label={{ children: header || `Column ${column + 1}`, className: own.header }}
                >
                  <Select
                    className={own.selectRoot}
                    select={{ className: own.select }}
                    value={value}
                    onChange={(_e, d) =>
                      update((dr) => {
                        const mapping = dr.mapping.slice();
                        mapping[column] = d.value || null;
                        return { ...dr, mapping };
                      })
                    }
                  >
                    <option value="">Not used</option>
                    {STANDARD_FIELDS.map((f) => (
                      <option key={f} value={f}>
                        {FIELD_LABELS[f]}
                      </option>
                    ))}
                    {custom && !(STANDARD_FIELDS as readonly string[]).includes(custom) && (
                      <option value={custom}>{`Custom: {{${custom}}}`}</option>
                    )}
                  </Select>
                </Field>
              );
            })}
          </div>
          {derived.mappingError && (
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>{derived.mappingError}</MessageBarBody>
            </MessageBar>
          )}

          <h2 className={styles.subheading}>Rows</h2>
          <p className={styles.text} role="status" data-testid="prospect-summary">
            {countOf(derived.campaign.prospects.length - blocked, NOUNS.prospect)} ready
            {rowsWithErrors > 0 && `, ${countOf(rowsWithErrors, NOUNS.row)} with problems`}
            {draft.excluded.length > 0 && `, ${countOf(draft.excluded.length, NOUNS.row)} left out`}.
          </p>
          {days > 1 && (
            <MessageBar intent="info" layout="multiline" data-testid="sending-days">
              <MessageBarBody>
                Sending to {countOf(derived.campaign.prospects.length, NOUNS.prospect)} takes at least{' '}
                {countOf(days, NOUNS.day)}: Microsoft 365 lets a mailbox send to{' '}
                {DAILY_RECIPIENT_LIMIT.toLocaleString('en')} recipients a day. At the limit Candor waits for
                the day’s window to free up and goes on by itself (while its pane is open).
              </MessageBarBody>
            </MessageBar>
          )}
          {counts.length > 0 && (
            <ul className={own.counts} aria-label="Problems by kind">
              {counts.map(([kind, n]) => (
                <li key={kind} className={styles.text}>
                  {countOf(n, PROBLEM_LABELS[kind as RowProblem['kind']])}
                </li>
              ))}
            </ul>
          )}
          <Checkbox
            label="Show problems only"
            checked={problemsOnly}
            onChange={(_e, d) => setProblemsOnly(!!d.checked)}
          />
          <ProspectTable
            table={table}
            mapping={draft.mapping}
            problemsByRow={problemsByRow}
            excluded={draft.excluded}
            problemsOnly={problemsOnly}
            onEdit={(row, column, value) => update((d) => withCell(d, row, column, value))}
            onExclude={(row, out) => update((d) => ({ ...d, excluded: toggled(d.excluded, row, out) }))}
          />
        </>
      )}

      <Field
        label="Do not contact (one address or @domain per line)"
        hint="Anyone on this list is left out of the campaign."
      >
        <Textarea
          value={draft.doNotContact}
          onChange={(_e, d) => update((dr) => ({ ...dr, doNotContact: d.value }))}
          resize="vertical"
          rows={2}
        />
      </Field>
    </div>
  );
}

/** FileReader rather than Blob.text(): it is in every browser Outlook embeds. UTF-8; papaparse drops a BOM. */
function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ''));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsText(file, 'utf-8');
  });
}
