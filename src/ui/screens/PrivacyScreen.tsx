import { ScreenHeading } from '../components/ScreenHeading';
import { useScreenStyles } from '../components/screen-styles';
import { PERMISSIONS } from '../privacy/permissions';
import { STORAGE_RULES, STORED_DATA } from '../privacy/stored-data';

/** Exactly what Candor can access and what it keeps, in plain words. */
export function PrivacyScreen({ focusHeading }: { focusHeading: boolean }) {
  const styles = useScreenStyles();
  return (
    <section className={styles.screen} aria-labelledby="privacy-heading">
      <ScreenHeading id="privacy-heading" focusOnMount={focusHeading}>
        Data &amp; privacy
      </ScreenHeading>
      <h2 className={styles.subheading} id="privacy-access">
        What Candor can access
      </h2>
      <p className={styles.text}>
        Candor asks Microsoft for these {PERMISSIONS.length} permissions, and no others:
      </p>
      <ul className={styles.list} aria-labelledby="privacy-access" data-testid="permission-list">
        {PERMISSIONS.map((p) => (
          <li key={p.scope} className={styles.text} data-scope={p.scope}>
            <strong>{p.title}</strong> (<span className={styles.scope}>{p.scope}</span>). {p.detail}
          </li>
        ))}
      </ul>
      <h2 className={styles.subheading} id="privacy-stored">
        What Candor stores
      </h2>
      <ul className={styles.list} aria-labelledby="privacy-stored">
        {STORED_DATA.map((d) => (
          <li key={d.id} className={styles.text}>
            {d.text}
          </li>
        ))}
      </ul>
      <h2 className={styles.subheading} id="privacy-rules">
        How long, and who can read it
      </h2>
      <ul className={styles.list} aria-labelledby="privacy-rules">
        {STORAGE_RULES.map((r) => (
          <li key={r.id} className={styles.text}>
            {r.text}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default PrivacyScreen;
