/**
 * Problems of one follow-up's template, with core's own checks (the same rules as step 1). Only
 * the body counts: the subject of a follow-up is "RE: " and step 1's subject, checked with step 1.
 */
import type { SequencedCampaign } from '../draft';
import { countOf, NOUNS } from '../labels';
import {
  checkProspects,
  checkTemplate,
  compileTemplate,
  type ProspectTemplateProblem,
  type TemplateProblem,
} from '../../../core/template';

export interface StepProblems {
  /** 2 for the first follow-up. */
  step: number;
  body: TemplateProblem[];
  prospects: ProspectTemplateProblem[];
}

export function followUpProblems(campaign: SequencedCampaign): StepProblems[] {
  return (campaign.sequence?.followUps ?? []).map((f, i) => {
    const compiled = compileTemplate(f.template);
    const body = checkTemplate(compiled, campaign.fields).filter((p) => p.part === 'body');
    const prospects = checkProspects(compiled, campaign.prospects, campaign.fields).filter(
      (p) => p.kind === 'missing-value',
    );
    return { step: i + 2, body, prospects };
  });
}

/** Every follow-up problem as one "Step N: …" sentence (as core names them), for the Send step. */
export function followUpBlockers(campaign: SequencedCampaign): string[] {
  return followUpProblems(campaign).flatMap((s) => [
    ...s.body.map((p) => `Step ${s.step}: ${p.message}`),
    ...(s.prospects.length
      ? [
          `Step ${s.step}: ${countOf(new Set(s.prospects.map((p) => p.prospectId)).size, NOUNS.prospect)} cannot be rendered (see Template).`,
        ]
      : []),
  ]);
}
