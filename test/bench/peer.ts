/**
 * The reference the report states beside our figures: OpenTofu with Appwrite's official
 * Terraform provider, run against the same emulator. These are not measured by this bench;
 * they were measured in other sessions, on this machine type, and are quoted with their source
 * and conditions.
 */
export const PEER = {
  tool: "OpenTofu 1.12.6 with Appwrite's official Terraform provider",
  source:
    'the team\'s measurements on this machine type on two days, as issue 23 ("Benchmarks") quotes them; the later day is in the shared reference measurements.md (2026-12-06)',
  conditions:
    "same emulator with 25 ms injected on every /v1/ request, 500 webhooks, each tool's default parallelism (tofu 10, Pulumi 8), 2 cores, AMD EPYC; the range over both days",
  caveat: "another tool, measured in other sessions, not in this run",
  /** Seconds (range over the two days) and API requests, at N = 500. */
  rows: [
    { step: "create 500 (apply with its plan)", op: "up", seconds: [4.7, 5.6], requests: 500 },
    { step: "no-change plan / preview", op: "preview", seconds: [3.4, 4.8], requests: 500 },
    { step: "refresh", op: "refresh", seconds: [2.5, 3.2], requests: 500 },
    { step: "destroy", op: "destroy", seconds: [7.0, 7.5], requests: 1000 },
  ],
  peakRssMiB: 110,
  stateBytesFor500: 310_000,
} as const;
