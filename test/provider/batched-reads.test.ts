import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/appwrite/config";
import { create, read, update } from "../../provider/lifecycle/steps";
import type { WebhookState } from "../../provider/lifecycle/schema";
import { startEmulator, type Emulator } from "../../emulator";
import { API_KEY, OTHER_PROJECT, PROJECT, checkedInputs } from "./fixtures";

let emulator: Emulator;
const states: WebhookState[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    projects: [
      { id: PROJECT, keys: [{ key: API_KEY }] },
      { id: OTHER_PROJECT, keys: [{ key: `${API_KEY}-other` }] },
    ],
  });
  setStackConfig({});
  for (let i = 0; i < 250; i++) {
    const { outs } = await create(checkedInputs(emulator.endpoint, { name: `hook ${i}` }));
    states.push(outs);
  }
});
afterAll(() => emulator.close());
beforeEach(() => emulator.resetCounters());

it("a refresh of 250 webhooks costs 3 list calls, not 250 GETs", async () => {
  const results = await Promise.all(states.map((state) => read(state.webhookId, state)));
  expect(results.map((r) => r.props?.name)).toEqual(states.map((s) => s.name));
  expect(results.every((r, i) => r.props?.secret === states[i]?.secret)).toBe(true);
  expect(emulator.counters()).toMatchObject({ total: 3, "GET /v1/webhooks": 3 });
});

it("a lone read is a single GET", async () => {
  const [state] = states as [WebhookState];
  // A write drops the cached list of the project.
  const other = states[5] as WebhookState;
  await update(
    other.webhookId,
    other,
    checkedInputs(emulator.endpoint, { webhookId: other.webhookId, name: "w" }),
  );
  emulator.resetCounters();
  expect((await read(state.webhookId, state)).id).toBe(state.webhookId);
  expect(emulator.counters()).toMatchObject({ total: 1, "GET /v1/webhooks/:id": 1 });
});

it("a webhook missing from the list is confirmed gone by its own GET; other projects are listed apart", async () => {
  const gone = { ...(states[0] as WebhookState), webhookId: "never-existed" };
  const other = (
    await create({
      ...checkedInputs(emulator.endpoint),
      projectId: OTHER_PROJECT,
      apiKey: `${API_KEY}-other`,
    })
  ).outs;
  emulator.resetCounters();
  const [a, b, c] = await Promise.all([
    read(gone.webhookId, gone),
    read(other.webhookId, other),
    read(states[1]!.webhookId, states[1]!),
  ]);
  expect(a).toEqual({ id: "" });
  expect(b.id).toBe(other.webhookId);
  expect(c.id).toBe(states[1]?.webhookId);
  expect(emulator.counters()["GET /v1/webhooks/:id"]).toBeGreaterThanOrEqual(1);
});

it("a write drops the cached list, so a later read sees it", async () => {
  const state = states[2] as WebhookState;
  await Promise.all([read(state.webhookId, state), read(states[3]!.webhookId, states[3]!)]);
  await update(
    state.webhookId,
    state,
    checkedInputs(emulator.endpoint, { webhookId: state.webhookId, name: "changed" }),
  );
  const [after] = await Promise.all([read(state.webhookId, state), read(states[3]!.webhookId, states[3]!)]);
  expect(after.props?.name).toBe("changed");
});

describe("a failed read says the same whichever request served it", () => {
  // Which request runs depends on timing: reads arriving together share a list, a lone read
  // sends its own GET. The operator must read the same error either way, naming the webhook.
  afterEach(() => emulator.clearFaults());

  /** The error of reading states[0]: alone (its own GET), or together with states[1] (one list). */
  async function failures(): Promise<{ alone: string; together: string; requests: string[] }> {
    const [first, second] = states as [WebhookState, WebhookState];
    // A write drops the list an earlier test left cached, so both reads reach the server.
    const other = states[5] as WebhookState;
    await update(
      other.webhookId,
      other,
      checkedInputs(emulator.endpoint, { webhookId: other.webhookId, name: "w" }),
    );
    const before = emulator.requests().at(-1)?.seq ?? 0;
    const alone = await read(first.webhookId, first).then(
      () => "no error",
      (error: Error) => error.message,
    );
    const [together] = await Promise.allSettled([
      read(first.webhookId, first),
      read(second.webhookId, second),
    ]);
    const requests = emulator
      .requests()
      .filter((r) => r.seq > before)
      .map((r) => r.routeKey);
    return {
      alone,
      together: together.status === "rejected" ? (together.reason as Error).message : "no error",
      requests: [...new Set(requests)],
    };
  }

  it("an Appwrite error (401, missing scope)", async () => {
    emulator.injectFault({
      kind: "status",
      status: 401,
      type: "general_unauthorized_scope",
      method: "GET",
      path: /^\/v1\/webhooks/,
      projectId: PROJECT,
    });
    const { alone, together, requests } = await failures();
    // Both paths ran, so the comparison is between them.
    expect(requests.sort()).toEqual(["GET /v1/webhooks", "GET /v1/webhooks/:id"]);
    expect(alone).toMatch(
      new RegExp(
        `^Appwrite refused to read webhook ${states[0]?.webhookId}: HTTP 401 general_unauthorized_scope`,
      ),
    );
    expect(together).toBe(alone);
  });

  it("a connection reset on every attempt", async () => {
    emulator.injectFault({ kind: "reset", method: "GET", path: /^\/v1\/webhooks/, projectId: PROJECT });
    const { alone, together, requests } = await failures();
    expect(requests.sort()).toEqual(["GET /v1/webhooks", "GET /v1/webhooks/:id"]);
    expect(alone).toMatch(new RegExp(`^Could not read webhook ${states[0]?.webhookId}: `));
    expect(together).toBe(alone);
  }, 60_000);
});
