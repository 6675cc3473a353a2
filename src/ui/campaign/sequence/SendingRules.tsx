import {
  Checkbox,
  Field,
  Input,
  makeStyles,
  Radio,
  RadioGroup,
  Select,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { SendingWindow, SequenceSettings } from '../../../core/sequence/types';
import { useScreenStyles } from '../../components/screen-styles';
import { clockTime, DAY_NAMES, WEEK_ORDER } from './summary';
import {
  defaultWindow,
  MAX_DELAY,
  MIN_DELAY,
  recruiterTimeZone,
  withDay,
  withOutOfOffice,
  windowProblems,
} from './steps';

const useStyles = makeStyles({
  group: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    margin: 0,
    padding: tokens.spacingHorizontalS,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    minWidth: 0,
  },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: `0 ${tokens.spacingHorizontalXS}` },
  days: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(120px, 1fr))' },
  hours: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
  hour: { flexGrow: 1, minWidth: '110px' },
  days3: { width: '96px' },
});

const GRACE_CHOICES = [0, 5, 10, 20, 30, 60];
const HOURS = Array.from({ length: 25 }, (_, h) => h * 60);

export interface SendingRulesProps {
  sequence: SequenceSettings;
  /** The campaign's merge fields (mapped columns): where a prospect's time zone may come from. */
  fields: string[];
  onChange: (change: (s: SequenceSettings) => SequenceSettings) => void;
}

/** When Candor may send (window, time zones), what an out-of-office does, and the grace period. */
export function SendingRules({ sequence, fields, onChange }: SendingRulesProps) {
  const own = useStyles();
  const styles = useScreenStyles();
  const { window } = sequence;
  const setWindow = (change: (w: SendingWindow) => SendingWindow) =>
    onChange((s) => (s.window ? { ...s, window: change(s.window) } : s));
  const problems = windowProblems(window);

  return (
    <>
      <fieldset className={own.group}>
        <legend className={own.legend}>When Candor may send</legend>
        <RadioGroup
          aria-label="When Candor may send"
          value={window ? 'window' : 'any'}
          onChange={(_e, d) =>
            onChange((s) => ({
              ...s,
              window: d.value === 'any' ? null : (s.window ?? defaultWindow(recruiterTimeZone())),
            }))
          }
        >
          <Radio value="any" label="Any time" />
          <Radio value="window" label="Only on certain days and hours" />
        </RadioGroup>
        {window && (
          <>
            <div role="group" aria-label="Days" className={own.days}>
              {WEEK_ORDER.map((d) => (
                <Checkbox
                  key={d}
                  label={DAY_NAMES[d]}
                  checked={window.days.includes(d)}
                  onChange={(_e, c) => setWindow((w) => withDay(w, d, c.checked === true))}
                />
              ))}
            </div>
            <div className={own.hours}>
              <Field className={own.hour} label="From">
                <Select
                  value={String(window.startMinute)}
                  onChange={(_e, d) => setWindow((w) => ({ ...w, startMinute: Number(d.value) }))}
                >
                  {HOURS.slice(0, -1).map((m) => (
                    <option key={m} value={m}>
                      {clockTime(m)}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field className={own.hour} label="To">
                <Select
                  value={String(window.endMinute)}
                  onChange={(_e, d) => setWindow((w) => ({ ...w, endMinute: Number(d.value) }))}
                >
                  {HOURS.slice(1).map((m) => (
                    <option key={m} value={m}>
                      {m === 24 * 60 ? '24:00 (midnight)' : clockTime(m)}
                    </option>
                  ))}
                </Select>
              </Field>
            </div>
            <p className={styles.text} data-testid="window-zone">
              Times are in your time zone, {window.timeZone}.
            </p>
            {fields.length > 0 && (
              <Field
                label="Use each prospect’s time zone from column"
                hint="A time zone name like America/New_York. Prospects without one get your time zone."
              >
                <Select
                  value={window.prospectTimeZoneField ?? ''}
                  onChange={(_e, d) => setWindow((w) => ({ ...w, prospectTimeZoneField: d.value || null }))}
                >
                  <option value="">None: use my time zone for everyone</option>
                  {fields.map((f) => (
                    <option key={f} value={f}>
                      {f}
                    </option>
                  ))}
                </Select>
              </Field>
            )}
            {problems.map((p) => (
              <p key={p} className={styles.text} role="alert">
                {p}
              </p>
            ))}
          </>
        )}
      </fieldset>

      {sequence.followUps.length > 0 && <OutOfOfficeRule sequence={sequence} onChange={onChange} />}

      <Field
        label="Before the first message goes out"
        hint="While Candor waits you can still send at once or cancel: time to catch a mistake."
      >
        <Select
          value={String(sequence.graceMinutes)}
          onChange={(_e, d) => onChange((s) => ({ ...s, graceMinutes: Number(d.value) }))}
        >
          {(GRACE_CHOICES.includes(sequence.graceMinutes)
            ? GRACE_CHOICES
            : [...GRACE_CHOICES, sequence.graceMinutes].sort((a, b) => a - b)
          ).map((m) => (
            <option key={m} value={m}>
              {m === 0 ? 'Start right away' : `Wait ${m} minutes`}
            </option>
          ))}
        </Select>
      </Field>
    </>
  );
}

function OutOfOfficeRule({ sequence, onChange }: Omit<SendingRulesProps, 'fields'>) {
  const own = useStyles();
  const rule = sequence.outOfOffice;
  const [text, setText] = useState<string | null>(null);
  const days = rule.action === 'delay' ? rule.days : 7;
  const shown = text ?? String(days);
  const valid = /^\d+$/u.test(shown) && Number(shown) >= MIN_DELAY && Number(shown) <= MAX_DELAY;
  return (
    <fieldset className={own.group}>
      <legend className={own.legend}>When a prospect is out of office</legend>
      <RadioGroup
        aria-label="When a prospect is out of office"
        value={rule.action}
        onChange={(_e, d) =>
          onChange((s) =>
            withOutOfOffice(s, d.value === 'skip' ? { action: 'skip' } : { action: 'delay', days }),
          )
        }
      >
        <Radio value="delay" label="Delay their next step" />
        <Radio value="skip" label="Skip their later steps" />
      </RadioGroup>
      {rule.action === 'delay' && (
        <Field
          className={own.days3}
          label="Days to wait"
          hint="Counted from the out-of-office reply."
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
                onChange((s) => withOutOfOffice(s, { action: 'delay', days: Number(d.value) }));
            }}
            onBlur={() => setText(null)}
          />
        </Field>
      )}
    </fieldset>
  );
}
