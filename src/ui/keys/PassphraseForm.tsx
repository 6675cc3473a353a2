import { Button, Field, Input, ProgressBar } from '@fluentui/react-components';
import { useEffect, useState, type FormEvent } from 'react';
import { useScreenStyles } from '../components/screen-styles';
import type { CheckPassphrase, PassphraseCheck } from './key-access-types';
import { useKeyStyles } from './key-styles';

const STRENGTH = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;

/** Two fields and a strength meter; a weak passphrase or a mismatch is refused, with what to change. */
export function PassphraseForm({
  check,
  busy,
  onSubmit,
  onCancel,
}: {
  check: CheckPassphrase;
  busy: boolean;
  onSubmit: (passphrase: string) => void;
  onCancel: () => void;
}) {
  const styles = useScreenStyles();
  const keyStyles = useKeyStyles();
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  // The check of the passphrase as last typed; an answer for an earlier one is not shown.
  const [checked, setChecked] = useState<{ of: string; result: PassphraseCheck | null } | null>(null);
  const result = first && checked?.of === first ? checked.result : null;
  const [tried, setTried] = useState(false);

  useEffect(() => {
    if (!first) return;
    let stale = false;
    check(first).then(
      (r) => !stale && setChecked({ of: first, result: r }),
      () => !stale && setChecked({ of: first, result: null }),
    );
    return () => {
      stale = true;
    };
  }, [first, check]);

  const weak = !result?.ok;
  const mismatch = second !== first;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (busy || !first || weak || mismatch) return;
    onSubmit(first);
  };
  const strengthText = result
    ? [
        `Strength: ${STRENGTH[result.score]}.`,
        result.warning,
        ...result.suggestions,
        result.ok ? null : 'Use at least 12 characters, for example four or more unrelated words.',
      ]
        .filter(Boolean)
        .join(' ')
    : 'Use at least 12 characters, for example four or more unrelated words.';

  return (
    <form className={keyStyles.form} onSubmit={submit} noValidate>
      <Field
        label="Passphrase"
        validationState={tried && first && weak ? 'error' : result?.ok ? 'success' : 'none'}
        validationMessage={
          tried && first && weak ? `Choose a stronger passphrase. ${strengthText}` : strengthText
        }
      >
        <Input
          type="password"
          autoComplete="new-password"
          value={first}
          disabled={busy}
          onChange={(_, d) => setFirst(d.value)}
        />
      </Field>
      <ProgressBar
        aria-label="Passphrase strength"
        value={result ? (result.score + 1) / 5 : 0}
        color={result?.ok ? 'success' : result && result.score >= 2 ? 'warning' : 'error'}
      />
      <Field
        label="Type it again"
        validationState={tried && mismatch ? 'error' : 'none'}
        validationMessage={
          tried && mismatch ? 'The two passphrases are different. Type the same one twice.' : undefined
        }
      >
        <Input
          type="password"
          autoComplete="new-password"
          value={second}
          disabled={busy}
          onChange={(_, d) => setSecond(d.value)}
        />
      </Field>
      {tried && !first && (
        <p role="alert" className={styles.text}>
          Type a passphrase first.
        </p>
      )}
      <div className={styles.actions}>
        <Button type="submit" appearance="primary" disabledFocusable={busy}>
          Save passphrase
        </Button>
        <Button disabled={busy} onClick={onCancel}>
          Not now
        </Button>
      </div>
    </form>
  );
}
