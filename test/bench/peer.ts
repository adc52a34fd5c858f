/**
 * The reference the report states beside our figures: OpenTofu with Appwrite's official
 * Terraform provider, run against the same emulator. These are not measured by this bench;
 * they were measured once, in another session, and are quoted with their source and conditions.
 */
export const PEER = {
  tool: "OpenTofu 1.12.6 with Appwrite's official Terraform provider",
  source: 'the team\'s measurements of 2026-12-01 (issue 13, "Why"; shared reference measurements.md)',
  conditions:
    "same emulator with 25 ms injected on every /v1/ request, 500 webhooks, each tool's default parallelism (tofu 10, Pulumi 8), 2 cores, AMD EPYC; two runs",
  caveat: "another tool, measured once, not in this run",
  /** Seconds (range of the two runs) and API requests, at N = 500. */
  rows: [
    { step: "create 500", op: "up", seconds: [4.6, 4.8], requests: 500 },
    { step: "no-change plan / preview", op: "preview", seconds: [3.3, 3.5], requests: 500 },
    { step: "refresh", op: "refresh", seconds: [2.5, 2.6], requests: 500 },
    { step: "destroy", op: "destroy", seconds: [6.2, 7.3], requests: 1000 },
  ],
  peakRssMiB: 110,
  stateBytesFor500: 310_000,
} as const;
