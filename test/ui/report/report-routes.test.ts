import { describe, expect, it } from 'vitest';
import { initialPaneState, paneReducer, type PaneState } from '../../../src/ui/app/pane-state';

const profile = {
  displayName: 'Avery',
  mail: 'avery@contoso.example',
  userPrincipalName: 'avery@contoso.example',
};
const connected = paneReducer(initialPaneState, { type: 'connected', profile });

describe('report routes', () => {
  it('goes Home → campaign report → prospect → back to the same report → Home', () => {
    let s: PaneState = paneReducer(connected, { type: 'openReport', campaignId: 'c1' });
    expect([s.route, s.report]).toEqual(['report', { campaignId: 'c1', prospectId: null }]);
    s = paneReducer(s, { type: 'openProspect', prospectId: 'p7' });
    expect([s.route, s.report]).toEqual(['prospect', { campaignId: 'c1', prospectId: 'p7' }]);
    s = paneReducer(s, { type: 'navigate', to: 'report' });
    expect([s.route, s.report?.campaignId]).toEqual(['report', 'c1']);
    s = paneReducer(s, { type: 'navigate', to: 'home' });
    expect(s.route).toBe('home');
  });

  it('ignores the report screens without a connection or a chosen campaign', () => {
    expect(paneReducer(initialPaneState, { type: 'openReport', campaignId: 'c1' }).route).toBe('connect');
    expect(paneReducer(connected, { type: 'navigate', to: 'report' }).route).toBe('home');
    expect(paneReducer(connected, { type: 'openProspect', prospectId: 'p1' }).route).toBe('home');
    const report = paneReducer(connected, { type: 'openReport', campaignId: 'c1' });
    expect(paneReducer(report, { type: 'navigate', to: 'prospect' }).route).toBe('report');
  });

  it('stays on the report when the connection is confirmed again, and leaves it (forgetting it) on sign-out', () => {
    const prospect = paneReducer(paneReducer(connected, { type: 'openReport', campaignId: 'c1' }), {
      type: 'openProspect',
      prospectId: 'p1',
    });
    expect(paneReducer(prospect, { type: 'connected', profile }).route).toBe('prospect');
    const out = paneReducer(paneReducer(prospect, { type: 'signingOut' }), { type: 'signedOut' });
    expect([out.route, out.report]).toEqual(['connect', null]);
  });
});
