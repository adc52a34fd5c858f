/**
 * The emulator as the engine tests watch and change it from outside Pulumi: the requests a step
 * caused, and webhooks made over the REST API as any Appwrite client makes them.
 */
import { expect } from "vitest";
import type { Emulator, RequestRecord } from "../../emulator";

/** Runs `step` and returns the API requests it caused (the control API is not counted), in order, each as `describe` names it: its method by default. */
export async function requestsDuring(
  emulator: Emulator,
  step: () => Promise<unknown>,
  describe: (request: RequestRecord) => string = (request) => request.method,
): Promise<string[]> {
  const cursor = emulator.requests().at(-1)?.seq ?? 0;
  await step();
  return emulator
    .requests()
    .filter((request) => request.seq > cursor)
    .map(describe);
}

/** Creates `webhook` in `projectId` with a POST /v1/webhooks, and checks Appwrite's 201. */
export async function createOutsidePulumi(
  emulator: Emulator,
  projectId: string,
  apiKey: string,
  webhook: Record<string, unknown>,
): Promise<void> {
  const response = await fetch(`${emulator.endpoint}/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-appwrite-project": projectId,
      "x-appwrite-key": apiKey,
    },
    body: JSON.stringify(webhook),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}
