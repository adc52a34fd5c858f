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
        // The real engine: one file at a time, since each `pulumi up` already uses both cores.
        extends: true,
        test: {
          name: "engine",
          include: ["test/e2e/**/*.test.ts", "test/bench/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          // Provisioning the engine from cold builds it with Go (minutes); it is cached afterwards.
          hookTimeout: 30 * 60_000,
        },
      },
    ],
  },
});
