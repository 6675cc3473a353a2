import { Button, Field, Input, Textarea } from '@fluentui/react-components';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { MailTemplate } from '../../core/template';
import { useScreenStyles } from '../components/screen-styles';
import type { StepProps } from './ProspectsStep';
import type { ComposeSource, TemplateLibrary } from './runtime';
import { FollowUpEditor } from './sequence/FollowUpEditor';
import { followUpProblems } from './sequence/problems';
import {
  addFollowUp,
  canAddFollowUp,
  changeFollowUp,
  MAX_FOLLOW_UPS,
  moveFollowUp,
  removeFollowUp,
} from './sequence/steps';
import {
  ComposeDraftButton,
  InsertFieldMenu,
  NoticeBar,
  ProspectProblemsBar,
  SavedTemplatePicker,
  useFieldInsertion,
} from './sequence/template-parts';
import type { SequenceSettings } from '../../core/sequence/types';

export interface TemplateStepProps extends StepProps {
  compose: ComposeSource;
  library: TemplateLibrary;
}

/**
 * Step 1's subject and HTML body with merge fields (from the Outlook draft, a saved template, or
 * typed here), then up to four follow-ups, each with its delay and its own body.
 */
export function TemplateStep({ draft, derived, update, compose, library }: TemplateStepProps) {
  const styles = useScreenStyles();
  const [notice, setNotice] = useState<string | null>(null);
  const [saved, setSaved] = useState(() => library.list());
  const [name, setName] = useState('');
  const template = draft.template;
  const setTemplate = (change: Partial<MailTemplate>) =>
    update((d) => ({ ...d, template: { ...d.template, ...change } }));
  const fieldInsertion = useFieldInsertion(template, setTemplate);
  const sequence = draft.sequence;
  const setSequence = (change: (s: SequenceSettings) => SequenceSettings) =>
    update((d) => ({ ...d, sequence: change(d.sequence) }));
  const stepProblems = useMemo(() => followUpProblems(derived.campaign), [derived.campaign]);

  // Adding, moving or removing a step re-renders the list: focus follows the step (or lands on
  // "Add a follow-up"), never dropping to <body>.
  const list = useRef<HTMLDivElement>(null);
  const focusKey = useRef<string | null>(null);
  const setFocusKey = (key: string) => {
    focusKey.current = key;
  };
  // After the render that follows the edit (no deps: it checks after every render, cheaply).
  useLayoutEffect(() => {
    if (!focusKey.current) return;
    list.current?.querySelector<HTMLElement>(`[data-focus-key="${focusKey.current}"]`)?.focus();
    focusKey.current = null;
  });

  const subjectProblems = derived.readiness.template.filter((p) => p.part === 'subject');
  const bodyProblems = derived.readiness.template.filter((p) => p.part === 'body');
  const steps = sequence.followUps.length + 1;

  return (
    <div className={styles.screen} ref={list}>
      <h3 className={styles.subheading}>Step 1: first message</h3>
      <div className={styles.actions}>
        <ComposeDraftButton
          compose={compose}
          label="Use this draft as the template"
          onNotice={setNotice}
          onTake={(item) => {
            setTemplate({ subject: item.subject, html: item.html });
            return 'The draft’s subject and body are now the template.';
          }}
        />
      </div>
      {!compose.inOffice && (
        <p className={styles.text}>
          To start from an Outlook draft, open Candor from a new message in Outlook. Here you can write the
          template below or load a saved one.
        </p>
      )}
      <NoticeBar notice={notice} />
      <SavedTemplatePicker
        saved={saved}
        label="Saved templates"
        onLoad={(t) => setTemplate({ subject: t.subject, html: t.html })}
      />

      <Field
        label="Subject"
        validationState={subjectProblems.length ? 'error' : 'none'}
        validationMessage={subjectProblems.map((p) => p.message).join(' ') || undefined}
      >
        <Input
          value={template.subject}
          onChange={(e, d) => {
            setTemplate({ subject: d.value });
            fieldInsertion.remember('subject', e.currentTarget);
          }}
          {...fieldInsertion.track('subject')}
        />
      </Field>
      <Field
        label="Body (HTML)"
        hint="Merge fields look like {{firstName}}; add a fallback for empty values: {{firstName|there}}."
        validationState={bodyProblems.length ? 'error' : 'none'}
        validationMessage={bodyProblems.map((p) => p.message).join(' ') || undefined}
      >
        <Textarea
          value={template.html}
          onChange={(e, d) => {
            setTemplate({ html: d.value });
            fieldInsertion.remember('html', e.currentTarget);
          }}
          {...fieldInsertion.track('html')}
          resize="vertical"
          rows={8}
        />
      </Field>
      <div className={styles.actions}>
        <InsertFieldMenu fields={derived.campaign.fields} onInsert={fieldInsertion.insert} />
      </div>
      <ProspectProblemsBar problems={derived.readiness.prospects} />

      <div className={styles.actions}>
        <Field label="Save as">
          <Input value={name} onChange={(_e, d) => setName(d.value)} />
        </Field>
        <Button
          disabled={!name.trim()}
          onClick={() => {
            library.save({ name: name.trim(), ...template });
            setSaved(library.list());
            setNotice(`Saved “${name.trim()}” on this device.`);
          }}
        >
          Save template
        </Button>
      </div>

      {sequence.followUps.map((followUp, i) => (
        <FollowUpEditor
          key={i}
          step={i + 2}
          steps={steps}
          followUp={followUp}
          firstSubject={template.subject}
          fields={derived.campaign.fields}
          problems={stepProblems[i]}
          compose={compose}
          saved={saved}
          onChange={(change) => setSequence((s) => changeFollowUp(s, i, change))}
          onMove={(by) => {
            setSequence((s) => moveFollowUp(s, i, by));
            setFocusKey(`step-${i + 2 + by}-${by < 0 ? 'up' : 'down'}`);
          }}
          onRemove={() => {
            setSequence((s) => removeFollowUp(s, i));
            setFocusKey('add-follow-up');
          }}
        />
      ))}
      <div className={styles.actions}>
        <Button
          disabledFocusable={!canAddFollowUp(sequence)}
          data-focus-key="add-follow-up"
          onClick={() => {
            setSequence(addFollowUp);
            setFocusKey(`step-${steps + 1}`);
          }}
        >
          Add a follow-up
        </Button>
      </div>
      <p className={styles.text} data-testid="steps-note">
        {canAddFollowUp(sequence)
          ? 'A follow-up goes out days after the previous step, as a reply in the same thread, and only to prospects who have not replied, bounced or been removed.'
          : `A sequence has at most ${MAX_FOLLOW_UPS + 1} steps: remove one to add another.`}
      </p>
    </div>
  );
}
