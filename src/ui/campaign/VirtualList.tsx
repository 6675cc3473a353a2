import { makeStyles, tokens } from '@fluentui/react-components';
import { measureElement, useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, type ReactNode } from 'react';

const useStyles = makeStyles({
  viewport: {
    overflowY: 'auto',
    overflowX: 'hidden',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  list: { position: 'relative', margin: 0, padding: 0, listStyleType: 'none' },
});

/** Spread onto a measured row's `<li>`: the virtualiser reads its real height (rows that wrap). */
export interface RowMeasure {
  ref: (element: HTMLElement | null) => void;
  'data-index': number;
}

export interface VirtualListProps {
  count: number;
  /** The row height, or with `measured` the estimate before a row is laid out. */
  rowHeight: number;
  /** Rows take the height their content needs (text that wraps), measured once rendered. */
  measured?: boolean;
  /** The scrolling region's accessible name. */
  label: string;
  height: string;
  /** On mount: scroll so that this row is in view (a list shown again after an editor closed). */
  startAt?: number;
  /** On mount: focus the scrolling region (when the row that had focus is gone). */
  focusOnMount?: boolean;
  /**
   * One `<li>`, absolutely positioned at `top` (with a fixed `height` unless `measured`; then
   * spread `measure` onto it).
   */
  renderRow: (index: number, position: { top: number; height?: number }, measure: RowMeasure) => ReactNode;
}

/**
 * A scrolling list that keeps only the visible rows in the DOM (@tanstack/react-virtual), so
 * thousands of prospects stay responsive. The region is focusable so keyboard users can scroll it.
 */
export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight, measured, label, height, startAt, focusOnMount, renderRow } = props;
  const styles = useStyles();
  const viewport = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLElement>({
    count,
    getScrollElement: () => viewport.current,
    estimateSize: () => rowHeight,
    // Where there is no layout (a row measures 0), keep the estimate rather than stacking every row at 0.
    measureElement: (element, entry, instance) => measureElement(element, entry, instance) || rowHeight,
    overscan: 8,
  });
  // Once, on mount: where the list was left, and focus if nothing better can hold it.
  const mounted = useRef({ startAt, focusOnMount });
  useLayoutEffect(() => {
    const { startAt: index, focusOnMount: focus } = mounted.current;
    if (index !== undefined && index > 0) virtualizer.scrollToIndex(index, { align: 'center' });
    if (focus) viewport.current?.focus();
  }, [virtualizer]);
  return (
    <div
      ref={viewport}
      className={styles.viewport}
      style={{ height }}
      tabIndex={0}
      role="region"
      aria-label={label}
    >
      <ul className={styles.list} style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) =>
          renderRow(item.index, measured ? { top: item.start } : { top: item.start, height: rowHeight }, {
            ref: virtualizer.measureElement,
            'data-index': item.index,
          }),
        )}
      </ul>
    </div>
  );
}
