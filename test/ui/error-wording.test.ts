import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors';
import { GraphError, TokenUnavailableError, TransportError } from '../../src/graph/graph-error';
import { describeSaveProblem } from '../../src/ui/campaign/save-problem';
import { describeFailure, describeStop } from '../../src/ui/campaign/stop-reason';
import { userMessage } from '../../src/ui/components/error-message';

const TECHNICAL = /Graph request failed|Graph answered|networkError|HTTP \d/;

describe('userMessage', () => {
  it('turns transport and Graph failures into plain words with the next step', () => {
    expect(userMessage(new TransportError('network'))).toBe(
      'Candor could not reach Outlook’s mail service. Check your connection, then try again.',
    );
    expect(userMessage(new GraphError(0, 'networkError', 'Graph request failed: network'))).toBe(
      'Candor could not reach Outlook’s mail service. Check your connection, then try again.',
    );
    expect(userMessage(new GraphError(503, 'HTTP503', 'Graph answered 503'))).toMatch(
      /Outlook’s mail service is having a problem right now\. Try again in a few minutes\./,
    );
    expect(userMessage(new GraphError(403, 'ErrorAccessDenied', 'Access is denied.'))).toMatch(
      /no longer has permission .* Sign out, connect again/,
    );
    expect(userMessage(new TokenUnavailableError('Could not obtain a Microsoft Graph access token'))).toMatch(
      /could not get permission from Microsoft/,
    );
    expect(userMessage(new Error('Graph request failed: timeout'))).toMatch(/did not answer in time/);
  });

  it('keeps messages already written for people', () => {
    expect(userMessage(new ApiError('unauthorized'))).toBe(
      'Your sign-in to Candor has expired. Please sign in again.',
    );
    expect(userMessage('not an error', 'Campaigns could not be loaded.')).toBe(
      'Campaigns could not be loaded.',
    );
  });
});

describe('describeStop', () => {
  const stop = (code: string, message: string, extra: { retryAt?: number } = {}) =>
    describeStop({ code, message, at: Date.UTC(2026, 11, 3, 9, 0), ...extra });

  it('never shows the technical message behind a stop', () => {
    const texts = [
      stop(
        'sent-items-unreadable',
        'Sent Items cannot be read to check uncertain sends: Graph request failed: network',
      ),
      stop('sent-items-unreadable', 'Sent Items cannot be read to check uncertain sends: Graph answered 500'),
      stop(
        'render-failed',
        'Could not prepare the message: Could not reach Candor tracking. Check your connection.',
      ),
      stop('progress-not-saved', 'Progress could not be saved, so nothing more is sent: QuotaExceededError'),
      stop('ErrorSomethingNew', 'Graph answered 400'),
    ];
    for (const text of texts) expect(text).not.toMatch(TECHNICAL);
    expect(texts[0]).toBe(
      'Candor could not reach Outlook’s mail service to check your Sent Items. Check your connection, then resume.',
    );
    expect(texts[2]).toMatch(/could not reach its tracking service .* Check your connection, then resume\./);
    expect(texts[4]).toMatch(/refused to send \(code ErrorSomethingNew\)\. Resume to try again/);
  });

  it('says when a campaign stopped at the daily limit can resume', () => {
    const retryAt = Date.UTC(2026, 11, 4, 8, 30);
    const text = stop('daily-recipient-limit', 'limit', { retryAt });
    expect(text).toMatch(/10,000 recipients a day/);
    const local = new Date(retryAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
    expect(text).toContain(local);
    expect(text).toMatch(/sending continues where it stopped/);
  });
});

describe('describeSaveProblem', () => {
  it('says what a failed save means and what to do', () => {
    expect(describeSaveProblem({ error: new ApiError('too-large'), savedLocally: true })).toMatch(
      /too large for Candor’s encrypted backup, so it is kept on this device only\. You can keep working/,
    );
    expect(describeSaveProblem({ error: new ApiError('unauthorized'), savedLocally: true })).toMatch(
      /saved on this device, but your sign-in to Candor expired.*connect again/,
    );
    expect(describeSaveProblem({ error: new Error('QuotaExceededError'), savedLocally: false })).toMatch(
      /could not save this campaign on this device.*will be lost if you close the pane/,
    );
  });
});

describe('describeFailure', () => {
  it('explains a refused recipient without Graph’s raw text', () => {
    expect(
      describeFailure({
        code: 'ErrorInvalidRecipients',
        message: "Recipient 'x' is not resolved. (0x80070057)",
      }),
    ).toBe('Exchange did not accept this address, so nothing was sent to it. Check the address.');
    expect(describeFailure({ code: 'cancelled', message: 'Cancelled before it was sent.' })).toBe(
      'Cancelled before it was sent.',
    );
  });
});
