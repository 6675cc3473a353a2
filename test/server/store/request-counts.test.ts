import { describe, expect, it } from 'vitest';
import { fixedWindow, MemoryRequestCounts, subjectKey } from '../../../src/server/store/request-counts';

describe('request counts', () => {
  it('puts every instant in the window that starts on the multiple of its length', () => {
    expect(fixedWindow(125_000, 60_000)).toEqual({ start: 120_000, end: 180_000 });
    expect(fixedWindow(120_000, 60_000)).toEqual({ start: 120_000, end: 180_000 });
    expect(() => fixedWindow(1, 0)).toThrow(RangeError);
    expect(() => fixedWindow(1, 1.5)).toThrow(RangeError);
  });

  it('keys a subject by a keyed hash: same key same bytes, another key other bytes, no subject text', () => {
    const a = new Uint8Array(32).fill(1);
    const b = new Uint8Array(32).fill(2);
    const k = subjectKey(a, 'ip:203.0.113.9', 60_000);
    expect(k).toHaveLength(16);
    expect(subjectKey(a, 'ip:203.0.113.9', 60_000).equals(k)).toBe(true);
    expect(subjectKey(b, 'ip:203.0.113.9', 60_000).equals(k)).toBe(false);
    expect(subjectKey(a, 'ip:203.0.113.9', 1_000).equals(k)).toBe(false);
    expect(k.toString('latin1')).not.toContain('203.0.113');
  });

  it('forgets windows that are over, so memory holds only the current ones', () => {
    const counts = new MemoryRequestCounts(new Uint8Array(32));
    for (let i = 0; i < 50; i++) counts.count(`ip:${i}`, 60_000, 1_000);
    expect(counts.size).toBe(50);
    expect(counts.count('ip:0', 60_000, 61_000)).toEqual({ count: 1, resetAt: 120_000 });
    expect(counts.size).toBe(1);
  });
});
