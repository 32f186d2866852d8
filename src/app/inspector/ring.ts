// A fixed-capacity ring: push at the new end, the oldest falls out; read by age (0 = newest) in O(1).
export class Ring<T> {
  private readonly slots: (T | undefined)[];
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`a ring needs a capacity of at least 1, got ${capacity}`);
    }
    this.slots = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Adds `item`; returns the item it pushed out, if the ring was full. */
  push(item: T): T | undefined {
    if (this.size < this.capacity) {
      this.slots[(this.start + this.size++) % this.capacity] = item;
      return undefined;
    }
    const evicted = this.slots[this.start];
    this.slots[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    return evicted;
  }

  /** The `age`-th newest item (0 = the newest). */
  newest(age: number): T | undefined {
    if (age < 0 || age >= this.size) return undefined;
    return this.slots[(this.start + this.size - 1 - age) % this.capacity];
  }

  oldest(): T | undefined {
    return this.size ? this.slots[this.start] : undefined;
  }

  /** Takes the oldest item out. */
  shift(): T | undefined {
    if (!this.size) return undefined;
    const item = this.slots[this.start];
    this.slots[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.size--;
    return item;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.size = 0;
  }

  /** Oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.size; i++) yield this.slots[(this.start + i) % this.capacity]!;
  }
}
