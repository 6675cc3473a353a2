import { act, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useResultsInBackground } from '../../../src/ui/results/use-results-in-background';

function Pane({ connected, load }: { connected: boolean; load: () => Promise<unknown> }) {
  useResultsInBackground(connected, load);
  return null;
}

describe('reply sync in the background', () => {
  it('starts once per connection, whatever screen is shown, and again after reconnecting', async () => {
    let loads = 0;
    const load = async () => {
      loads++;
    };
    const view = render(<Pane connected={false} load={load} />);
    expect(loads).toBe(0);
    await act(async () => view.rerender(<Pane connected={true} load={load} />));
    await act(async () => view.rerender(<Pane connected={true} load={load} />));
    expect(loads).toBe(1);
    await act(async () => view.rerender(<Pane connected={false} load={load} />));
    await act(async () => view.rerender(<Pane connected={true} load={load} />));
    expect(loads).toBe(2);
  });

  it('tries again on the next connection when loading failed', async () => {
    let loads = 0;
    const load = async () => {
      loads++;
      throw new Error('offline');
    };
    const view = render(<Pane connected={true} load={load} />);
    await act(async () => {});
    await act(async () => view.rerender(<Pane connected={false} load={load} />));
    await act(async () => view.rerender(<Pane connected={true} load={load} />));
    expect(loads).toBe(2);
  });
});
