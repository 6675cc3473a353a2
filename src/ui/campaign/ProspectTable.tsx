import { Button, Input, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ColumnMapping, ProspectTable as Table, RowProblem } from '../../core/prospects';
import { FIELD_LABELS } from './labels';
import { VirtualList } from './VirtualList';

/** The estimate before a row is measured: rows grow with their problems, which wrap. */
const ROW_HEIGHT = 56;

const useStyles = makeStyles({
  // Address and values beside the two buttons; problems below across the whole row, wrapping.
  row: {
    position: 'absolute',
    left: 0,
    right: 0,
    boxSizing: 'border-box',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr) auto',
    columnGap: tokens.spacingHorizontalXS,
    alignItems: 'start',
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
  },
  cells: { minWidth: 0 },
  buttons: { display: 'flex', flexWrap: 'wrap', justifyContent: 'flex-end' },
  problems: { gridColumn: '1 / -1', minWidth: 0 },
  line: { margin: 0, overflowWrap: 'anywhere' },
  values: { margin: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  problem: { color: tokens.colorPaletteRedForeground1 },
  warning: { color: tokens.colorPaletteDarkOrangeForeground1 },
  out: { color: tokens.colorNeutralForeground3, textDecorationLine: 'line-through' },
  editor: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingVerticalS,
  },
  field: { display: 'flex', flexDirection: 'column', minWidth: 0, overflowWrap: 'anywhere' },
  editorActions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
});

export interface ProspectTableProps {
  table: Table;
  mapping: ColumnMapping;
  problemsByRow: Map<number, RowProblem[]>;
  excluded: number[];
  problemsOnly: boolean;
  onEdit: (row: number, column: number, value: string) => void;
  onExclude: (row: number, out: boolean) => void;
}

/**
 * Every row, virtualised (only the visible rows are in the DOM, so 5,000 stay responsive), with its
 * problems inline and the two fixes a recruiter has: edit a value, or leave the row out.
 */
export function ProspectTable(props: ProspectTableProps) {
  const { table, mapping, problemsByRow, excluded, problemsOnly } = props;
  const styles = useStyles();
  const [editing, setEditing] = useState<number | null>(null);
  // The row whose editor just closed: its Edit button takes focus back when the list shows again.
  const [returnTo, setReturnTo] = useState<number | null>(null);
  const rows = useMemo(() => {
    const all = table.rows.map((_, i) => i + 1);
    return problemsOnly ? all.filter((r) => problemsByRow.has(r)) : all;
  }, [table.rows, problemsOnly, problemsByRow]);
  const out = useMemo(() => new Set(excluded), [excluded]);
  const emailColumn = mapping.findIndex((f) => f === 'email');
  const shown = mapping.map((f, i) => (f ? i : -1)).filter((i) => i >= 0 && i !== emailColumn);

  const returnIndex = returnTo === null ? -1 : rows.indexOf(returnTo);
  // The edit fixed the row away (problems only): the list itself takes focus when it shows again.
  const [focusList, setFocusList] = useState(false);
  if (returnTo !== null && returnIndex < 0) {
    setReturnTo(null);
    setFocusList(true);
  }

  if (editing !== null) {
    const cells = table.rows[editing - 1] ?? [];
    return (
      <RowEditor
        row={editing}
        headers={table.headers}
        mapping={mapping}
        cells={cells}
        onSave={(values) => {
          values.forEach((v, column) => {
            if (v !== (cells[column] ?? '')) props.onEdit(editing, column, v);
          });
          setReturnTo(editing);
          setEditing(null);
        }}
        onCancel={() => {
          setReturnTo(editing);
          setEditing(null);
        }}
      />
    );
  }

  return (
    <VirtualList
      count={rows.length}
      rowHeight={ROW_HEIGHT}
      measured
      label={`Prospect rows (${rows.length})`}
      height="280px"
      // Back from the editor: the edited row in view, with focus on its Edit button.
      startAt={returnIndex >= 0 ? returnIndex : undefined}
      focusOnMount={focusList}
      renderRow={(index, position, measure) => {
        const row = rows[index] as number;
        const cells = table.rows[row - 1] ?? [];
        const problems = problemsByRow.get(row) ?? [];
        const isOut = out.has(row);
        const email = emailColumn >= 0 ? (cells[emailColumn] ?? '') : '';
        const rest = shown
          .map((i) => cells[i] ?? '')
          .filter(Boolean)
          .join(' · ');
        return (
          <li
            key={row}
            className={styles.row}
            style={position}
            data-testid={`prospect-row-${row}`}
            {...measure}
          >
            <div className={mergeClasses(styles.cells, isOut && styles.out)}>
              <p className={styles.line}>
                <span>{row}. </span>
                {email || <em>no email</em>}
              </p>
              {rest && (
                <p className={styles.values} title={rest}>
                  {rest}
                </p>
              )}
            </div>
            <div className={styles.buttons}>
              <Button
                size="small"
                appearance="subtle"
                onClick={() => {
                  setReturnTo(null);
                  setFocusList(false);
                  setEditing(row);
                }}
                aria-label={`Edit row ${row}`}
                ref={
                  row === returnTo
                    ? (el: HTMLButtonElement | null) => {
                        if (!el) return;
                        el.focus();
                        setReturnTo(null); // once: later renders must not pull focus back
                      }
                    : undefined
                }
              >
                Edit
              </Button>
              <Button
                size="small"
                appearance="subtle"
                onClick={() => props.onExclude(row, !isOut)}
                aria-label={`${isOut ? 'Include' : 'Leave out'} row ${row}`}
              >
                {isOut ? 'Include' : 'Leave out'}
              </Button>
            </div>
            {problems.length > 0 && (
              <div className={mergeClasses(styles.problems, isOut && styles.out)}>
                {problems.map((p, i) => (
                  <p
                    key={i}
                    data-problem={p.severity}
                    className={mergeClasses(
                      styles.line,
                      p.severity === 'error' ? styles.problem : styles.warning,
                    )}
                  >
                    {p.message}
                  </p>
                ))}
              </div>
            )}
          </li>
        );
      }}
    />
  );
}

function RowEditor(props: {
  row: number;
  headers: string[];
  mapping: ColumnMapping;
  cells: string[];
  onSave: (values: string[]) => void;
  onCancel: () => void;
}) {
  const styles = useStyles();
  const [values, setValues] = useState(() => props.headers.map((_, i) => props.cells[i] ?? ''));
  const first = useRef<HTMLInputElement>(null);
  const firstColumn = props.mapping.findIndex(Boolean);
  // Opening the editor puts the cursor in its first value, so the keyboard stays where the work is.
  useLayoutEffect(() => first.current?.focus(), []);
  return (
    <form
      className={styles.editor}
      aria-label={`Edit row ${props.row}`}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(values);
      }}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        e.stopPropagation();
        props.onCancel();
      }}
    >
      {props.headers.map((header, i) =>
        props.mapping[i] ? (
          <label key={i} className={styles.field}>
            {FIELD_LABELS[props.mapping[i] as string] ?? header}
            <Input
              ref={i === firstColumn ? first : undefined}
              value={values[i]}
              onChange={(_e, d) => setValues((v) => v.map((x, j) => (j === i ? d.value : x)))}
            />
          </label>
        ) : null,
      )}
      <div className={styles.editorActions}>
        <Button type="submit" appearance="primary" size="small">
          Save row
        </Button>
        <Button size="small" onClick={props.onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
