/**
 * A small seeded random stream whose whole state is one 32-bit number, so that a training
 * checkpoint can store it and a resumed run draws exactly the numbers the killed run would have.
 * mulberry32: fast, good enough for shuffling, masking and sampling (not for cryptography).
 */
export class Rng {
  private a: number;

  constructor(seed: number) {
    this.a = seed >>> 0;
  }

  /** The state to store; `Rng.fromState(rng.state)` continues the same stream. */
  get state(): number {
    return this.a;
  }

  static fromState(state: number): Rng {
    return new Rng(state);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /**
   * Normal with mean 0 and standard deviation `std` (Box–Muller, one sample per two draws). The
   * product is evaluated as `std * radius * cos`, left to right: ELMo's initial weights and every
   * stored stream depend on these exact bits, so keep the order.
   */
  normal(std = 1): number {
    const u = Math.max(this.next(), 1e-12);
    return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** `next` as a plain function, for code that takes a `() => number` source (umap-js, Math.random). */
  uniformSource(): () => number {
    return () => this.next();
  }

  /** Fisher–Yates in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
}

/** A seed derived from a base seed and any integers (a step, a row), well mixed (murmur3 finaliser). */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = seed >>> 0;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x9e3779b1) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}
