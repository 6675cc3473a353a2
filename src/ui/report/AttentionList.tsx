import { makeStyles, tokens } from '@fluentui/react-components';
import { attentionText } from '../../core/results/labels';
import type { AttentionItem } from '../../core/results/report';

const useStyles = makeStyles({
  list: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalL,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
  item: { fontSize: tokens.fontSizeBase300 },
  title: { fontWeight: tokens.fontWeightSemibold },
});

/** What needs the recruiter: each item says what happened and what to do next. */
export function AttentionList({ items, headingId }: { items: AttentionItem[]; headingId?: string }) {
  const styles = useStyles();
  if (items.length === 0) return null;
  return (
    <ul className={styles.list} aria-labelledby={headingId}>
      {items.map((item) => {
        const text = attentionText(item);
        return (
          <li key={`${item.kind}-${item.reason ?? ''}`} className={styles.item}>
            <span className={styles.title}>{text.title}</span> {text.action}
          </li>
        );
      })}
    </ul>
  );
}
