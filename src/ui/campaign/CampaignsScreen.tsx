import { Button, MessageBar, MessageBarBody, Spinner, Tab, TabList } from '@fluentui/react-components';
import { useContext, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ScreenHeading } from '../components/ScreenHeading';
import { OpenKeysContext } from '../keys/open-keys-context';
import { useScreenStyles } from '../components/screen-styles';
import type { CampaignController } from './controller';
import { type CampaignDraft, deriveCampaign, withDraftDefaults } from './draft';
import { OpenFailed } from './OpenFailed';
import { OtherCampaigns } from './OtherCampaigns';
import { PreviewStep } from './PreviewStep';
import { ProspectsStep } from './ProspectsStep';
import type { CampaignRuntime, ComposeSource } from './runtime';
import { SaveProblemBar } from './SaveProblemBar';
import { SendProgressView } from './SendProgressView';
import { SendStep } from './SendStep';
import { TemplateStep } from './TemplateStep';
import { useCampaignLoad, useControllerState } from './use-campaign';

export interface CampaignsScreenProps {
  load: () => Promise<CampaignRuntime>;
  compose: ComposeSource;
  focusHeading: boolean;
}

type Step = 'prospects' | 'template' | 'preview' | 'send';
const STEPS: { value: Step; label: string }[] = [
  { value: 'prospects', label: 'Prospects' },
  { value: 'template', label: 'Template' },
  { value: 'preview', label: 'Preview' },
  { value: 'send', label: 'Send' },
];

/** Build a campaign (prospects, template, preview) and send it, or watch the one being sent. */
export function CampaignsScreen({ load, compose, focusHeading }: CampaignsScreenProps) {
  const styles = useScreenStyles();
  // A campaign sealed to a key this device lacks: the way to the "Open your tracking data" screens.
  const onOpenKeys = useContext(OpenKeysContext);
  const loaded = useCampaignLoad(load);
  return (
    <section className={styles.screen} aria-labelledby="campaign-heading">
      <ScreenHeading id="campaign-heading" focusOnMount={focusHeading}>
        Campaign
      </ScreenHeading>
      {loaded.status === 'loading' && <Spinner label="Opening your campaign…" />}
      {loaded.status === 'failed' && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            Campaigns could not be opened. {loaded.message}{' '}
            <Button size="small" onClick={loaded.retry}>
              Retry
            </Button>
            {onOpenKeys && loaded.otherKey && (
              <Button size="small" onClick={onOpenKeys}>
                Open your tracking data on this device
              </Button>
            )}
          </MessageBarBody>
        </MessageBar>
      )}
      {loaded.status === 'ready' && (
        <CampaignBody controller={loaded.controller} compose={compose} onOpenKeys={onOpenKeys} />
      )}
    </section>
  );
}

/** Where focus goes after the recruiter moves between building and sending (null: leave it). */
type FocusMove = 'steps' | 'progress' | null;

function CampaignBody({
  controller,
  compose,
  onOpenKeys,
}: {
  controller: CampaignController;
  compose: ComposeSource;
  onOpenKeys: (() => void) | null;
}) {
  const state = useControllerState(controller);
  const [step, setStep] = useState<Step>('prospects');
  // A draft saved before sequences existed gets its defaults here, for every step screen.
  const saved = state.phase === 'editing' ? state.draft : null;
  const draft = useMemo(() => (saved ? withDraftDefaults(saved) : null), [saved]);
  const derived = useMemo(() => (draft ? deriveCampaign(draft) : null), [draft]);

  // A new campaign (a new draft id) starts at its first step, not on the tab the last one ended on.
  const [draftId, setDraftId] = useState(draft?.id);
  if (draft && draft.id !== draftId) {
    setDraftId(draft.id);
    setStep('prospects');
  }
  // The screen the recruiter acted on disappears when sending starts (Send N messages) or a new
  // campaign begins (New campaign): focus moves to what replaced it instead of dropping to <body>.
  // Loading a campaign that is already sending moves nothing.
  const [phase, setPhase] = useState(state.phase);
  const [focusMove, setFocusMove] = useState<FocusMove>(null);
  if (state.phase !== phase) {
    setPhase(state.phase);
    if (phase === 'editing' && state.phase === 'sending') setFocusMove('progress');
    else if (phase === 'sending' && state.phase === 'editing') setFocusMove('steps');
  }
  const tabs = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (focusMove === 'steps')
      tabs.current?.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus();
  }, [focusMove, draftId]);

  if (state.phase === 'loading') return <Spinner label="Opening your campaign…" />;
  if (state.phase === 'failed')
    return <OpenFailed controller={controller} state={state} onOpenKeys={onOpenKeys ?? undefined} />;
  const saveProblem = (
    <>
      <SaveProblemBar problem={controller.runtime.syncProblem()} />
      <OtherCampaigns runtime={controller.runtime} />
    </>
  );
  if (state.phase === 'sending')
    return (
      <>
        {saveProblem}
        {state.notice && (
          <MessageBar intent="info" layout="multiline" data-testid="send-lease-notice">
            <MessageBarBody>{state.notice}</MessageBarBody>
          </MessageBar>
        )}
        <SendProgressView controller={controller} state={state} focusHeading={focusMove === 'progress'} />
      </>
    );
  if (!draft || !derived) return null;

  const update = (change: (d: CampaignDraft) => CampaignDraft) =>
    controller.update((d) => change(withDraftDefaults(d)));
  return (
    <>
      {saveProblem}
      <TabList
        ref={tabs}
        selectedValue={step}
        onTabSelect={(_e, d) => setStep(d.value as Step)}
        aria-label="Campaign steps"
        size="small"
      >
        {STEPS.map((s) => (
          <Tab key={s.value} value={s.value}>
            {s.label}
          </Tab>
        ))}
      </TabList>
      <div role="tabpanel" aria-label={STEPS.find((s) => s.value === step)?.label}>
        {step === 'prospects' && <ProspectsStep draft={draft} derived={derived} update={update} />}
        {step === 'template' && (
          <TemplateStep
            draft={draft}
            derived={derived}
            update={update}
            compose={compose}
            library={controller.runtime.templates}
          />
        )}
        {step === 'preview' && <PreviewStep draft={draft} derived={derived} update={update} />}
        {step === 'send' && (
          <SendStep
            derived={derived}
            draft={draft}
            update={update}
            timeFactor={controller.runtime.timeFactor}
            onSend={() => controller.startSending()}
          />
        )}
      </div>
    </>
  );
}

export default CampaignsScreen;
