import {
  Button,
  Field,
  Input,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarBody,
  Select,
  Textarea,
} from '@fluentui/react-components';
import { useRef, useState } from 'react';
import type { MailTemplate } from '../../core/template';
import { userMessage } from '../components/error-message';
import { useScreenStyles } from '../components/screen-styles';
import type { StepProps } from './ProspectsStep';
import type { ComposeSource, TemplateLibrary } from './runtime';
import { countOf, NOUNS } from './labels';

export interface TemplateStepProps extends StepProps {
  compose: ComposeSource;
  library: TemplateLibrary;
}

/** Subject and HTML body with merge fields: from the Outlook draft, a saved template, or typed here. */
export function TemplateStep({ draft, derived, update, compose, library }: TemplateStepProps) {
  const styles = useScreenStyles();
  const [notice, setNotice] = useState<string | null>(null);
  const [saved, setSaved] = useState(() => library.list());
  const [chosen, setChosen] = useState('');
  const [name, setName] = useState('');
  const target = useRef<{ part: 'subject' | 'html'; at: number }>({ part: 'html', at: -1 });
  const template = draft.template;
  const setTemplate = (change: Partial<MailTemplate>) =>
    update((d) => ({ ...d, template: { ...d.template, ...change } }));

  const takeDraft = async () => {
    try {
      const item = await compose.getComposeItem();
      if (!item) {
        setNotice('No draft is open. Start a new message in Outlook, open Candor from it, and try again.');
        return;
      }
      setTemplate({ subject: item.subject, html: item.html });
      setNotice('The draft’s subject and body are now the template.');
    } catch (error) {
      setNotice(userMessage(error, 'Outlook could not read the draft.'));
    }
  };

  const insert = (field: string) => {
    const token = `{{${field}}}`;
    const { part, at } = target.current;
    const text = template[part];
    const pos = at < 0 || at > text.length ? text.length : at;
    setTemplate({ [part]: text.slice(0, pos) + token + text.slice(pos) });
    target.current = { part, at: pos + token.length };
  };
  const remember = (part: 'subject' | 'html', el: HTMLInputElement | HTMLTextAreaElement) => {
    target.current = { part, at: el.selectionStart ?? -1 };
  };

  const subjectProblems = derived.readiness.template.filter((p) => p.part === 'subject');
  const bodyProblems = derived.readiness.template.filter((p) => p.part === 'body');
  const prospectProblems = derived.readiness.prospects;

  return (
    <div className={styles.screen}>
      <div className={styles.actions}>
        <Button onClick={() => void takeDraft()} disabled={!compose.inOffice}>
          Use this draft as the template
        </Button>
      </div>
      {!compose.inOffice && (
        <p className={styles.text}>
          To start from an Outlook draft, open Candor from a new message in Outlook. Here you can write the
          template below or load a saved one.
        </p>
      )}
      {notice && (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}

      {saved.length > 0 && (
        <div className={styles.actions}>
          <Field label="Saved templates">
            <Select value={chosen} onChange={(_e, d) => setChosen(d.value)}>
              <option value="">Choose…</option>
              {saved.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name}
                </option>
              ))}
            </Select>
          </Field>
          <Button
            disabled={!chosen}
            onClick={() => {
              const t = saved.find((s) => s.name === chosen);
              if (t) setTemplate({ subject: t.subject, html: t.html });
            }}
          >
            Load
          </Button>
        </div>
      )}

      <Field
        label="Subject"
        validationState={subjectProblems.length ? 'error' : 'none'}
        validationMessage={subjectProblems.map((p) => p.message).join(' ') || undefined}
      >
        <Input
          value={template.subject}
          onChange={(e, d) => {
            setTemplate({ subject: d.value });
            remember('subject', e.currentTarget);
          }}
          onSelect={(e) => remember('subject', e.currentTarget)}
          onFocus={(e) => remember('subject', e.currentTarget)}
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
            remember('html', e.currentTarget);
          }}
          onSelect={(e) => remember('html', e.currentTarget)}
          onFocus={(e) => remember('html', e.currentTarget)}
          resize="vertical"
          rows={8}
        />
      </Field>
      <div className={styles.actions}>
        <Menu>
          <MenuTrigger disableButtonEnhancement>
            <Button disabled={derived.campaign.fields.length === 0}>Insert field</Button>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              {derived.campaign.fields.map((f) => (
                <MenuItem key={f} onClick={() => insert(f)}>{`{{${f}}}`}</MenuItem>
              ))}
            </MenuList>
          </MenuPopover>
        </Menu>
      </div>

      {prospectProblems.length > 0 && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            {countOf(new Set(prospectProblems.map((p) => p.prospectId)).size, NOUNS.prospect)} cannot get this
            message yet:{' '}
            {prospectProblems
              .slice(0, 3)
              .map((p) => p.message)
              .join(' ')}
            {prospectProblems.length > 3 && ` …and ${prospectProblems.length - 3} more.`}
          </MessageBarBody>
        </MessageBar>
      )}

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
    </div>
  );
}
