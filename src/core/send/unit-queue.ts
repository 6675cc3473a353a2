import type { WaitReason } from './gate';

/** One queued unit: due at `at` (0: now), FIFO by `seq` among the due ones. */
export interface QueueEntry {
  readonly id: string;
  readonly at: number;
  readonly seq: number;
  /** Why it waits, when a gate said so (absent: its own notBefore — grace or the step's delay). */
  readonly reason: WaitReason | null;
}

/** A binary min-heap. */
class Heap<T> {
  readonly #items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[i] as T, items[parent] as T)) break;
      [items[i], items[parent]] = [items[parent] as T, items[i] as T];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.before(items[l] as T, items[m] as T)) m = l;
        if (r < items.length && this.before(items[r] as T, items[m] as T)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m] as T, items[i] as T];
        i = m;
      }
    }
    return top;
  }
}

/**
 * The engine's queue of units not yet sent: those due now in FIFO order, those due later by time
 * (the earliest first), and those parked until a recheck. Every operation is O(log n) amortised;
 * removals are lazy (a stale heap entry is skipped when it surfaces).
 */
export class UnitQueue {
  readonly #entries = new Map<string, QueueEntry>();
  readonly #later = new Heap<QueueEntry>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  readonly #due = new Heap<QueueEntry>((a, b) => a.seq < b.seq);
  readonly #parked = new Map<string, QueueEntry>();
  #seq = 0;
  #front = 0;

  get size(): number {
    return this.#entries.size;
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  ids(): string[] {
    return [...this.#entries.keys()];
  }

  entry(id: string): QueueEntry | undefined {
    return this.#entries.get(id);
  }

  /**
   * Queues a unit due at `at`. `place`: 'back' (a new unit), 'front' (back to the head: a unit that
   * was taken but could not go), or a seq to keep (a unit that waits and keeps its place).
   */
  add(
    id: string,
    at: number,
    now: number,
    place: 'back' | 'front' | number,
    reason: WaitReason | null = null,
  ): void {
    const seq = place === 'back' ? ++this.#seq : place === 'front' ? this.frontSeq() : place;
    const entry: QueueEntry = { id, at, seq, reason };
    this.#entries.set(id, entry);
    this.#parked.delete(id);
    if (at > now) this.#later.push(entry);
    else this.#due.push(entry);
  }

  /** A place at the head of the line (for a unit taken but sent back). */
  frontSeq(): number {
    return --this.#front;
  }

  /** Keeps a unit queued but out of the way until `unparkAll` (a gate said: wait for a recheck). */
  park(id: string, seq: number, reason: WaitReason): void {
    const entry: QueueEntry = { id, at: Infinity, seq, reason };
    this.#entries.set(id, entry);
    this.#parked.set(id, entry);
  }

  unparkAll(): void {
    for (const entry of this.#parked.values()) {
      const due: QueueEntry = { ...entry, at: 0, reason: null };
      this.#entries.set(entry.id, due);
      this.#due.push(due);
    }
    this.#parked.clear();
  }

  remove(id: string): void {
    this.#entries.delete(id);
    this.#parked.delete(id);
  }

  /** Moves every unit whose time has come to the due line. */
  promote(now: number): void {
    for (;;) {
      const top = this.#later.peek();
      if (!top) return;
      if (!this.#current(top)) {
        this.#later.pop();
        continue;
      }
      if (top.at > now) return;
      this.#later.pop();
      this.#due.push(top);
    }
  }

  hasDue(now: number): boolean {
    this.promote(now);
    return this.#peekDue() !== undefined;
  }

  /** Takes the first due unit (FIFO) out of the queue. */
  takeDue(now: number): QueueEntry | undefined {
    this.promote(now);
    const entry = this.#peekDue();
    if (!entry) return undefined;
    this.#due.pop();
    this.#entries.delete(entry.id);
    return entry;
  }

  /** The unit due soonest among those due later, or undefined. */
  nextLater(): QueueEntry | undefined {
    for (;;) {
      const top = this.#later.peek();
      if (!top || this.#current(top)) return top;
      this.#later.pop();
    }
  }

  firstParked(): QueueEntry | undefined {
    for (const entry of this.#parked.values()) return entry;
    return undefined;
  }

  #peekDue(): QueueEntry | undefined {
    for (;;) {
      const top = this.#due.peek();
      if (!top || this.#current(top)) return top;
      this.#due.pop();
    }
  }

  #current(entry: QueueEntry): boolean {
    return this.#entries.get(entry.id) === entry;
  }
}
