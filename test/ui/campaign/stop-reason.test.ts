import { describe, expect, it } from 'vitest';
import { senderBlock } from '../../../src/core/replies/bounce-codes';
import { describeStop } from '../../../src/ui/campaign/stop-reason';

describe('describeStop', () => {
  it('shows a sender-blocked bounce’s own explanation, not a generic refusal', () => {
    const block = senderBlock('5.1.8', '550 5.1.8 Access denied');
    if (!block) throw new Error('5.1.8 is a sender-side code');
    const text = describeStop({ ...block, at: 0 });
    expect(text).toBe(block.message);
    expect(text).toMatch(/IT admin/);
  });
});
