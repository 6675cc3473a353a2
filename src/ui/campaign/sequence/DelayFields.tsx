import { Field, Input, makeStyles, Select, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { DelayUnit, FollowUpStep } from '../../../core/sequence/types';
import { MAX_DELAY, MIN_DELAY } from './steps';

const useStyles = makeStyles({
  row: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'flex-start' },
  amount: { width: '96px' },
  unit: { flexGrow: 1, minWidth: '150px' },
});

/** How long after the previous step a follow-up goes out: 1–30 business or calendar days. */
export function DelayFields({
  step,
  delay,
  onChange,
}: {
  /** This step's number (2 for the first follow-up). */
  step: number;
  delay: FollowUpStep['delay'];
  onChange: (amount: number, unit: DelayUnit) => void;
}) {
  const own = useStyles();
  // What the recruiter is typing; only a whole number from 1 to 30 reaches the draft.
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? String(delay.amount);
  const valid = /^\d+$/u.test(shown) && Number(shown) >= MIN_DELAY && Number(shown) <= MAX_DELAY;
  return (
    <div className={own.row}>
      <Field
        className={own.amount}
        label={`Days after step ${step - 1}`}
        validationState={valid ? 'none' : 'error'}
        validationMessage={valid ? undefined : `Enter a whole number from ${MIN_DELAY} to ${MAX_DELAY}.`}
      >
        <Input
          type="number"
          inputMode="numeric"
          min={MIN_DELAY}
          max={MAX_DELAY}
          value={shown}
          onChange={(_e, d) => {
            setText(d.value);
            if (/^\d+$/u.test(d.value) && Number(d.value) >= MIN_DELAY && Number(d.value) <= MAX_DELAY)
              onChange(Number(d.value), delay.unit);
          }}
          onBlur={() => setText(null)}
        />
      </Field>
      <Field className={own.unit} label={`Step ${step}: which days count`}>
        <Select value={delay.unit} onChange={(_e, d) => onChange(delay.amount, d.value as DelayUnit)}>
          <option value="business-days">Business days (Mon–Fri)</option>
          <option value="calendar-days">Calendar days</option>
        </Select>
      </Field>
    </div>
  );
}
