/**
 * numpy's legacy `RandomState(seed)` as far as lime draws from it: MT19937 with `init_genrand` seeding,
 * `randint` (masked rejection on 32-bit draws) and `choice(n, k, replace=False)` (`permutation(n)[:k]`, a
 * Fisher–Yates shuffle from the end). With it, LIME given the same seed samples exactly the perturbations
 * lime (and ferret) do with `random_state=seed`.
 */

const N = 624;
const M = 397;

export class NumpyRandomState {
  private readonly mt = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`a numpy seed is an integer from 0 to 2³²−1; got ${seed}`);
    }
    this.mt[0] = seed;
    for (let i = 1; i < N; i += 1) {
      const previous = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = Math.imul(1812433253, previous) + i;
    }
  }

  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let k = 0; k < N; k += 1) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
        mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's `random_interval`: uniform in 0…max by rejection under the smallest covering bit mask. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    for (const shift of [1, 2, 4, 8, 16]) mask |= mask >>> shift;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= max) return value;
    }
  }

  /** `randint(low, high)`: uniform in low…high−1. */
  randint(low: number, high: number): number {
    return low + this.interval(high - 1 - low);
  }

  /** `choice(n, size, replace=False)`: the first `size` of a random permutation of 0…n−1. */
  choice(n: number, size: number): Int32Array {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i -= 1) {
      const j = this.interval(i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order.subarray(0, size);
  }
}
