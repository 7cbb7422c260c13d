import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{engine,partitions,jobs,bench,config}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
