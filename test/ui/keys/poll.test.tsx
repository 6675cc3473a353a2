import { act, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useVisiblePoll } from '../../../src/ui/keys/use-visible-poll';

function Poller({ poll, enabled = true }: { poll: () => Promise<void>; enabled?: boolean }) {
  useVisiblePoll(poll, 5000, enabled);
  return null;
}

let visibility: DocumentVisibilityState = 'visible';
function setVisibility(next: DocumentVisibilityState) {
  visibility = next;
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('Approval polling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    visibility = 'visible';
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('asks at once and every 5 s while the pane is visible', async () => {
    const poll = vi.fn(async () => undefined);
    render(<Poller poll={poll} />);
    await act(async () => undefined);
    expect(poll).toHaveBeenCalledTimes(1);
    await act(async () => vi.advanceTimersByTimeAsync(4999));
    expect(poll).toHaveBeenCalledTimes(1);
    await act(async () => vi.advanceTimersByTimeAsync(1));
    expect(poll).toHaveBeenCalledTimes(2);
    await act(async () => vi.advanceTimersByTimeAsync(10_000));
    expect(poll).toHaveBeenCalledTimes(4);
  });

  it('asks nothing while hidden, and asks again as soon as it is shown', async () => {
    const poll = vi.fn(async () => undefined);
    render(<Poller poll={poll} />);
    await act(async () => undefined);
    act(() => setVisibility('hidden'));
    await act(async () => vi.advanceTimersByTimeAsync(60_000));
    expect(poll).toHaveBeenCalledTimes(1);
    await act(async () => setVisibility('visible'));
    expect(poll).toHaveBeenCalledTimes(2);
  });

  it('keeps polling after a failed request, and stops for good on unmount (sign-out)', async () => {
    const poll = vi.fn(async () => {
      if (poll.mock.calls.length === 1) throw new Error('offline');
    });
    const { unmount } = render(<Poller poll={poll} />);
    await act(async () => vi.advanceTimersByTimeAsync(5000));
    expect(poll).toHaveBeenCalledTimes(2);
    unmount();
    await act(async () => vi.advanceTimersByTimeAsync(60_000));
    expect(poll).toHaveBeenCalledTimes(2);
  });

  it('does not poll while disabled (a device without the key)', async () => {
    const poll = vi.fn(async () => undefined);
    render(<Poller poll={poll} enabled={false} />);
    await act(async () => vi.advanceTimersByTimeAsync(60_000));
    expect(poll).not.toHaveBeenCalled();
  });
});
