import { Button, Field, makeStyles, Textarea, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { FollowUpStep } from '../../../core/sequence/types';
import type { MailTemplate } from '../../../core/template';
import { useScreenStyles } from '../../components/screen-styles';
import type { ComposeSource, SavedTemplate } from '../runtime';
import { DelayFields } from './DelayFields';
import type { StepProblems } from './problems';
import { withDelay } from './steps';
import {
  ComposeDraftButton,
  InsertFieldMenu,
  NoticeBar,
  ProspectProblemsBar,
  SavedTemplatePicker,
  useFieldInsertion,
} from './template-parts';

const useStyles = makeStyles({
  card: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalS,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  heading: {
    margin: 0,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
    fontWeight: tokens.fontWeightSemibold,
  },
});

export interface FollowUpEditorProps {
  /** 2 for the first follow-up. */
  step: number;
  /** Steps in all (to know whether this one can move down). */
  steps: number;
  followUp: FollowUpStep;
  firstSubject: string;
  fields: string[];
  problems: StepProblems | undefined;
  compose: ComposeSource;
  saved: SavedTemplate[];
  onChange: (change: (step: FollowUpStep) => FollowUpStep) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}

/**
 * One follow-up: when it goes (days after the previous step) and what it says. It is sent as a
 * reply in the prospect's thread, so its subject is "RE: " and step 1's subject.
 */
export function FollowUpEditor(props: FollowUpEditorProps) {
  const { step, steps, followUp, firstSubject, fields, problems, compose, saved, onChange } = props;
  const styles = useScreenStyles();
  const own = useStyles();
  const [notice, setNotice] = useState<string | null>(null);
  const setTemplate = (change: Partial<MailTemplate>) =>
    onChange((f) => ({ ...f, template: { ...f.template, ...change } }));
  const fieldInsertion = useFieldInsertion(followUp.template, setTemplate);
  const headingId = `follow-up-${step}-heading`;
  const body = problems?.body ?? [];

  return (
    <section className={own.card} aria-labelledby={headingId} data-testid={`step-${step}`}>
      <h3 id={headingId} className={own.heading} tabIndex={-1} data-focus-key={`step-${step}`}>
        Step {step}: follow-up
      </h3>
      <DelayFields
        step={step}
        delay={followUp.delay}
        onChange={(amount, unit) => onChange((f) => withDelay(f, amount, unit))}
      />
      <p className={styles.text} data-testid={`step-${step}-subject`}>
        Subject: RE: {firstSubject || '(step 1’s subject)'} — sent as a reply in the prospect’s thread.
      </p>
      <div className={styles.actions}>
        <ComposeDraftButton
          compose={compose}
          label={`Use this draft for step ${step}`}
          onNotice={setNotice}
          onTake={(item) => {
            setTemplate({ html: item.html });
            return `The draft’s body is now step ${step}. Its subject is not used: a follow-up replies in the thread.`;
          }}
        />
      </div>
      <NoticeBar notice={notice} />
      <SavedTemplatePicker
        saved={saved}
        label={`Saved templates for step ${step}`}
        onLoad={(t) => {
          setTemplate({ html: t.html });
          setNotice(`Step ${step} now starts from “${t.name}” (its body; the subject stays RE: step 1’s).`);
        }}
      />
      <Field
        label={`Step ${step} body (HTML)`}
        hint="Same merge fields and fallbacks as step 1."
        validationState={body.length ? 'error' : 'none'}
        validationMessage={body.map((p) => p.message).join(' ') || undefined}
      >
        <Textarea
          value={followUp.template.html}
          onChange={(e, d) => {
            setTemplate({ html: d.value });
            fieldInsertion.remember('html', e.currentTarget);
          }}
          {...fieldInsertion.track('html')}
          resize="vertical"
          rows={6}
        />
      </Field>
      <div className={styles.actions}>
        <InsertFieldMenu
          fields={fields}
          label={`Insert field in step ${step}`}
          onInsert={fieldInsertion.insert}
        />
      </div>
      <ProspectProblemsBar problems={problems?.prospects ?? []} what={`step ${step}`} />
      <div className={styles.actions}>
        <Button
          size="small"
          disabledFocusable={step <= 2}
          onClick={() => props.onMove(-1)}
          aria-label={`Move up: step ${step}`}
          data-focus-key={`step-${step}-up`}
        >
          Move up
        </Button>
        <Button
          size="small"
          disabledFocusable={step >= steps}
          onClick={() => props.onMove(1)}
          aria-label={`Move down: step ${step}`}
          data-focus-key={`step-${step}-down`}
        >
          Move down
        </Button>
        <Button size="small" onClick={props.onRemove}>
          Remove step {step}
        </Button>
      </div>
    </section>
  );
}
