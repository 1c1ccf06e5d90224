import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Model sessions use both cores; running test files one at a time keeps timings honest and memory low.
    fileParallelism: false,
    testTimeout: 60_000,
  },
});
