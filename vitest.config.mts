import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // Runs last: fails the run if it changed or added a file git does not ignore.
    globalSetup: ["./test/support/clean-tree.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "fast",
          include: [
            "test/provider/**/*.test.ts",
            "test/receiver/**/*.test.ts",
            "test/emulator/**/*.test.ts",
            "test/docs/**/*.test.ts",
          ],
        },
      },
      {
        // The real engine, after the fast project. A `pulumi up` spends much of its time waiting
        // (on plugins starting, on retries and Retry-After, on slow answers), so two files at a
        // time fill the two cores better than one; ENGINE_TEST_WORKERS=1 runs one at a time.
        extends: true,
        test: {
          name: "engine",
          include: ["test/e2e/**/*.test.ts", "test/bench/**/*.test.ts"],
          maxWorkers: Number(process.env.ENGINE_TEST_WORKERS ?? 2),
          // A project whose maxWorkers differs from the fast project's needs a group of its own.
          sequence: { groupOrder: 1 },
          testTimeout: 300_000,
          // Provisioning the engine from cold builds it with Go (minutes); it is cached afterwards.
          hookTimeout: 30 * 60_000,
        },
      },
    ],
  },
});
