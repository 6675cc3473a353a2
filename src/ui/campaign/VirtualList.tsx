import { makeStyles, tokens } from '@fluentui/react-components';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type ReactNode } from 'react';

const useStyles = makeStyles({
  viewport: {
    overflowY: 'auto',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  list: { position: 'relative', margin: 0, padding: 0, listStyleType: 'none' },
});

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  /** The scrolling region's accessible name. */
  label: string;
  height: string;
  /** One `<li>`, absolutely positioned at `top`. */
  renderRow: (index: number, position: { top: number; height: number }) => ReactNode;
}

/**
 * A scrolling list that keeps only the visible rows in the DOM (@tanstack/react-virtual), so
 * thousands of prospects stay responsive. The region is focusable so keyboard users can scroll it.
 */
export function VirtualList({ count, rowHeight, label, height, renderRow }: VirtualListProps) {
  const styles = useStyles();
  const viewport = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => viewport.current,
    estimateSize: () => rowHeight,
    overscan: 8,
  });
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
        {virtualizer
          .getVirtualItems()
          .map((item) => renderRow(item.index, { top: item.start, height: rowHeight }))}
      </ul>
    </div>
  );
}
