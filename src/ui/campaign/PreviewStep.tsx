import {
  Button,
  Checkbox,
  Field,
  Select,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Switch,
  tokens,
} from '@fluentui/react-components';
import { type ReactNode, useState } from 'react';
import { tracksOpens } from '../../core/campaign';
import { useScreenStyles } from '../components/screen-styles';
import { toggled } from './draft';
import type { StepProps } from './ProspectsStep';
import { previewStep } from './sequence/preview';
import { delayText } from './sequence/summary';

/** Stands in for the per-send pixel URL, which the backend mints only when the message is sent. */
export const PREVIEW_PIXEL_URL = 'https://pixel.candor.invalid/o/preview.gif';

const useStyles = makeStyles({
  frame: {
    boxSizing: 'border-box',
    width: '100%',
    height: '260px',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: '#ffffff',
  },
  code: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, wordBreak: 'break-all' },
});

/**
 * Each prospect's message exactly as it will be sent (core's renderer), shown in a sandboxed frame
 * with no scripts. The pixel is described rather than loaded, so previewing records nothing.
 */
export function PreviewStep({ draft, derived, update }: StepProps) {
  const styles = useScreenStyles();
  const own = useStyles();
  const { campaign } = derived;
  const [index, setIndex] = useState(0);
  const count = campaign.prospects.length;
  const at = Math.min(index, Math.max(0, count - 1));
  const prospect = campaign.prospects[at];
  const followUps = campaign.sequence?.followUps ?? [];
  const [chosenStep, setStep] = useState(1);
  const step = Math.min(chosenStep, followUps.length + 1);
  const followUp = step >= 2 ? followUps[step - 2] : undefined;

  let body: ReactNode;
  if (!prospect) {
    body = <p className={styles.text}>Add prospects first: there is nobody to preview for.</p>;
  } else {
    let rendered: ReturnType<typeof previewStep> | null = null;
    let error: string | null = null;
    try {
      rendered = previewStep(campaign, prospect.id, PREVIEW_PIXEL_URL, step);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const tracked = tracksOpens(campaign, prospect);
    const name = [prospect.fields.firstName, prospect.fields.lastName].filter(Boolean).join(' ');
    body = (
      <>
        <p className={styles.text} data-testid="preview-recipient">
          To: {name ? `${name} <${prospect.email}>` : prospect.email}
        </p>
        <Checkbox
          label="Track opens for this prospect"
          checked={prospect.trackOpens}
          disabled={!campaign.trackOpens}
          onChange={(_e, d) =>
            update((dr) => ({ ...dr, untracked: toggled(dr.untracked, prospect.row, !d.checked) }))
          }
        />
        {followUp && (
          <p className={styles.text} data-testid="preview-step-note">
            Sent {delayText(followUp.delay.amount, followUp.delay.unit)} after step {step - 1}, as a reply in
            this prospect’s thread, only if they have not replied, bounced or been removed by then.
          </p>
        )}
        {error && (
          <MessageBar intent="error" layout="multiline">
            <MessageBarBody>{error}</MessageBarBody>
          </MessageBar>
        )}
        {rendered && (
          <>
            <p className={styles.text} data-testid="preview-subject">
              Subject: {rendered.subject}
            </p>
            <iframe
              className={own.frame}
              title="Message preview"
              sandbox=""
              srcDoc={
                rendered.pixel
                  ? rendered.html.slice(0, rendered.pixel.start) + rendered.html.slice(rendered.pixel.end)
                  : rendered.html
              }
            />
            <p className={styles.text} data-testid="preview-pixel">
              {rendered.pixel ? (
                <>
                  Open tracking is on: a 1×1 image is added at the very end of the body. Each message gets its
                  own address when it is sent, like <span className={own.code}>{rendered.pixel.url}</span>.
                </>
              ) : tracked ? null : (
                'No open-tracking image: opens are not tracked for this prospect.'
              )}
            </p>
          </>
        )}
      </>
    );
  }

  return (
    <div className={styles.screen}>
      <Switch
        label="Track opens in this campaign"
        checked={draft.trackOpens}
        onChange={(_e, d) => update((dr) => ({ ...dr, trackOpens: d.checked }))}
      />
      {followUps.length > 0 && (
        <Field label="Step to preview">
          <Select value={String(step)} onChange={(_e, d) => setStep(Number(d.value))}>
            <option value="1">Step 1: first message</option>
            {followUps.map((f, i) => (
              <option key={i} value={i + 2}>
                Step {i + 2}: {delayText(f.delay.amount, f.delay.unit)} later
              </option>
            ))}
          </Select>
        </Field>
      )}
      {/* disabledFocusable: at either end the button stays focusable, so focus is not lost to <body>. */}
      <div className={styles.actions}>
        <Button size="small" disabledFocusable={at <= 0} onClick={() => setIndex(at - 1)}>
          Previous
        </Button>
        <span className={styles.text} role="status">
          {count ? `Prospect ${at + 1} of ${count}` : 'No prospects'}
        </span>
        <Button size="small" disabledFocusable={at >= count - 1} onClick={() => setIndex(at + 1)}>
          Next
        </Button>
      </div>
      {body}
    </div>
  );
}
