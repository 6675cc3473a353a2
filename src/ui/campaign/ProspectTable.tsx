import { Button, Input, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import type { ColumnMapping, ProspectTable as Table, RowProblem } from '../../core/prospects';
import { FIELD_LABELS } from './labels';
import { VirtualList } from './VirtualList';

const ROW_HEIGHT = 64;

const useStyles = makeStyles({
  row: {
    position: 'absolute',
    left: 0,
    right: 0,
    boxSizing: 'border-box',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`,
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    alignItems: 'flex-start',
  },
  cells: { flexGrow: 1, minWidth: 0, fontSize: tokens.fontSizeBase200 },
  line: { margin: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  problem: { color: tokens.colorPaletteRedForeground1 },
  warning: { color: tokens.colorPaletteDarkOrangeForeground1 },
  out: { color: tokens.colorNeutralForeground3, textDecorationLine: 'line-through' },
  editor: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingVerticalS,
  },
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
  const rows = useMemo(() => {
    const all = table.rows.map((_, i) => i + 1);
    return problemsOnly ? all.filter((r) => problemsByRow.has(r)) : all;
  }, [table.rows, problemsOnly, problemsByRow]);
  const out = useMemo(() => new Set(excluded), [excluded]);
  const emailColumn = mapping.findIndex((f) => f === 'email');
  const shown = mapping.map((f, i) => (f ? i : -1)).filter((i) => i >= 0 && i !== emailColumn);

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
          setEditing(null);
        }}
        onCancel={() => setEditing(null)}
      />
    );
  }

  return (
    <VirtualList
      count={rows.length}
      rowHeight={ROW_HEIGHT}
      label={`Prospect rows (${rows.length})`}
      height="280px"
      renderRow={(index, position) => {
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
          <li key={row} className={styles.row} style={position} data-testid={`prospect-row-${row}`}>
            <div className={mergeClasses(styles.cells, isOut && styles.out)}>
              <p className={styles.line}>
                <span>{row}. </span>
                {email || <em>no email</em>}
              </p>
              {rest && <p className={styles.line}>{rest}</p>}
              {problems.map((p, i) => (
                <p
                  key={i}
                  className={mergeClasses(
                    styles.line,
                    p.severity === 'error' ? styles.problem : styles.warning,
                  )}
                  title={p.message}
                >
                  {p.message}
                </p>
              ))}
            </div>
            <Button
              size="small"
              appearance="subtle"
              onClick={() => setEditing(row)}
              aria-label={`Edit row ${row}`}
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
  return (
    <form
      className={styles.editor}
      aria-label={`Edit row ${props.row}`}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(values);
      }}
    >
      {props.headers.map((header, i) =>
        props.mapping[i] ? (
          <label key={i}>
            {FIELD_LABELS[props.mapping[i] as string] ?? header}
            <Input
              value={values[i]}
              onChange={(_e, d) => setValues((v) => v.map((x, j) => (j === i ? d.value : x)))}
            />
          </label>
        ) : null,
      )}
      <div>
        <Button type="submit" appearance="primary" size="small">
          Save row
        </Button>{' '}
        <Button size="small" onClick={props.onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
