import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.{ts,tsx}', 'shared/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests that run bin/flare-misp.mjs get the current sources: it rebuilds a stale CLI bundle, here without
    // the stderr line saying so (tests check stderr).
    env: { FLARE_MISP_BUILD_QUIET: '1' },
  },
});
