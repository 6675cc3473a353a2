/**
 * The pieces every step's template editor shares (step 1 and each follow-up): taking the open
 * Outlook draft, loading a saved template, inserting a merge field where the cursor was, and the
 * prospects a template cannot be rendered for.
 */
import {
  Button,
  Field,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarBody,
  Select,
} from '@fluentui/react-components';
import { useRef, useState } from 'react';
import type { MailTemplate, ProspectTemplateProblem } from '../../../core/template';
import type { ComposeItem } from '../../../outlook';
import { userMessage } from '../../components/error-message';
import { useScreenStyles } from '../../components/screen-styles';
import { countOf, NOUNS } from '../labels';
import type { ComposeSource, SavedTemplate } from '../runtime';

/** "Use this draft …": reads the open Outlook draft; every outcome is a notice for the recruiter. */
export function ComposeDraftButton({
  compose,
  label,
  onTake,
  onNotice,
}: {
  compose: ComposeSource;
  label: string;
  onTake: (item: ComposeItem) => string;
  onNotice: (text: string) => void;
}) {
  const take = async () => {
    try {
      const item = await compose.getComposeItem();
      if (!item) {
        onNotice('No draft is open. Start a new message in Outlook, open Candor from it, and try again.');
        return;
      }
      onNotice(onTake(item));
    } catch (error) {
      onNotice(userMessage(error, 'Outlook could not read the draft.'));
    }
  };
  return (
    <Button onClick={() => void take()} disabled={!compose.inOffice}>
      {label}
    </Button>
  );
}

/** A saved template to start from; `onLoad` gets the whole template. */
export function SavedTemplatePicker({
  saved,
  label,
  onLoad,
}: {
  saved: SavedTemplate[];
  label: string;
  onLoad: (template: SavedTemplate) => void;
}) {
  const styles = useScreenStyles();
  const [chosen, setChosen] = useState('');
  if (saved.length === 0) return null;
  return (
    <div className={styles.actions}>
      <Field label={label}>
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
          if (t) onLoad(t);
        }}
      >
        Load
      </Button>
    </div>
  );
}

type Part = keyof MailTemplate;

/** Remembers where the cursor was in the subject or body, so a merge field goes in there. */
export function useFieldInsertion(template: MailTemplate, set: (change: Partial<MailTemplate>) => void) {
  const target = useRef<{ part: Part; at: number }>({ part: 'html', at: -1 });
  const remember = (part: Part, el: HTMLInputElement | HTMLTextAreaElement) => {
    target.current = { part, at: el.selectionStart ?? -1 };
  };
  const insert = (field: string) => {
    const token = `{{${field}}}`;
    const { part, at } = target.current;
    const text = template[part];
    const pos = at < 0 || at > text.length ? text.length : at;
    set({ [part]: text.slice(0, pos) + token + text.slice(pos) });
    target.current = { part, at: pos + token.length };
  };
  /** Props for an input or textarea editing `part`. */
  const track = (part: Part) => ({
    onSelect: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
      remember(part, e.currentTarget),
    onFocus: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) =>
      remember(part, e.currentTarget),
  });
  return { insert, remember, track };
}

export function InsertFieldMenu({
  fields,
  label = 'Insert field',
  onInsert,
}: {
  fields: string[];
  label?: string;
  onInsert: (field: string) => void;
}) {
  return (
    <Menu>
      <MenuTrigger disableButtonEnhancement>
        <Button disabled={fields.length === 0}>{label}</Button>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          {fields.map((f) => (
            <MenuItem key={f} onClick={() => onInsert(f)}>{`{{${f}}}`}</MenuItem>
          ))}
        </MenuList>
      </MenuPopover>
    </Menu>
  );
}

/** Who cannot get this step's message yet (a merge field with no value and no fallback). */
export function ProspectProblemsBar({
  problems,
  what = 'this message',
}: {
  problems: ProspectTemplateProblem[];
  what?: string;
}) {
  if (problems.length === 0) return null;
  return (
    <MessageBar intent="warning" layout="multiline">
      <MessageBarBody>
        {countOf(new Set(problems.map((p) => p.prospectId)).size, NOUNS.prospect)} cannot get {what} yet:{' '}
        {problems
          .slice(0, 3)
          .map((p) => p.message)
          .join(' ')}
        {problems.length > 3 && ` …and ${problems.length - 3} more.`}
      </MessageBarBody>
    </MessageBar>
  );
}

export function NoticeBar({ notice }: { notice: string | null }) {
  if (!notice) return null;
  return (
    <MessageBar intent="info" layout="multiline">
      <MessageBarBody>{notice}</MessageBarBody>
    </MessageBar>
  );
}
