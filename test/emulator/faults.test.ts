/**
 * Emulator-only controls: fault injection (each kind, matching and counts), the global
 * latency option, request counters, and the HTTP control client driving an emulator it did
 * not start.
 */
import { Client, Webhooks } from "node-appwrite";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator";
import { EmulatorControlClient, EmulatorControlError } from "../../emulator/control/control-client";
import { body, call, Cleanup, createWebhook, ERROR_KEYS, errorOf, webhookBody } from "./http";
import { startReceiver } from "./receiver";
import {
  API_KEY,
  emulatorOf,
  isRealAppwrite,
  OTHER_PROJECT_ID,
  startTarget,
  testId,
  type Target,
} from "./target";

let target: Target;
const cleanup = new Cleanup();
beforeAll(async () => {
  target = await startTarget();
});
afterEach(async () => {
  if (!isRealAppwrite) emulatorOf(target).clearFaults();
  await cleanup.run();
});
afterAll(() => target.close());

const timed = async <T>(run: () => Promise<T>): Promise<{ result: T; ms: number }> => {
  const start = performance.now();
  const result = await run();
  return { result, ms: performance.now() - start };
};

describe("faults", () => {
  it.skipIf(isRealAppwrite)(
    "latency delays the next N matching requests, then they proceed normally",
    async () => {
      emulatorOf(target).injectFault({
        kind: "latency",
        latencyMs: 250,
        method: "GET",
        path: "/v1/webhooks",
        count: 1,
      });
      const slow = await timed(() => call(target, "GET", "/webhooks"));
      expect(slow.result.status).toBe(200);
      expect(slow.ms).toBeGreaterThanOrEqual(240);
      const fast = await timed(() => call(target, "GET", "/webhooks"));
      expect(fast.ms).toBeLessThan(200);
    },
  );

  it.skipIf(isRealAppwrite)(
    "status answers with an Appwrite-shaped error and Retry-After, without running the action",
    async () => {
      const emulator = emulatorOf(target);
      emulator.injectFault({
        kind: "status",
        status: 429,
        retryAfter: 3,
        method: "POST",
        path: "/v1/webhooks",
        count: 1,
      });
      const id = testId("ratelimited");
      const limited = await call(target, "POST", "/webhooks", { body: webhookBody(id) });
      expect(limited.status).toBe(429);
      expect(limited.headers["retry-after"]).toBe("3");
      expect(errorOf(limited)).toMatchObject({
        keys: ERROR_KEYS,
        type: "general_rate_limit_exceeded",
        message: "Rate limit for the current endpoint has been exceeded. Please try again after some time.",
        code: 429,
        version: "1.9.6",
      });
      expect(emulator.webhooks(target.projectId).map((webhook) => webhook.$id)).not.toContain(id);
      await createWebhook(target, cleanup, id);

      emulator.injectFault({
        kind: "status",
        status: 503,
        type: "general_server_error",
        message: "down for a moment",
        count: 1,
      });
      const custom = errorOf(await call(target, "GET", `/webhooks/${id}`));
      expect(custom).toMatchObject({
        status: 503,
        type: "general_server_error",
        message: "down for a moment",
      });
      expect((await call(target, "GET", `/webhooks/${id}`)).status).toBe(200);
    },
  );

  it.skipIf(isRealAppwrite)("reset destroys the connection before anything is written", async () => {
    const emulator = emulatorOf(target);
    emulator.injectFault({ kind: "reset", method: "POST", path: "/v1/webhooks", count: 1 });
    const id = testId("reset");
    await expect(call(target, "POST", "/webhooks", { body: webhookBody(id) })).rejects.toThrow();
    expect(emulator.webhooks(target.projectId).map((webhook) => webhook.$id)).not.toContain(id);
  });

  it.skipIf(isRealAppwrite)("commit-then-drop performs the write and never answers", async () => {
    const emulator = emulatorOf(target);
    emulator.injectFault({ kind: "commit-then-drop", method: "POST", path: "/v1/webhooks", count: 1 });
    const id = cleanup.track(target, testId("ctd"));
    await expect(call(target, "POST", "/webhooks", { body: webhookBody(id) })).rejects.toThrow();
    expect(emulator.webhooks(target.projectId).map((webhook) => webhook.$id)).toContain(id);
    // The retry a client would make now sees the committed write.
    expect(errorOf(await call(target, "POST", "/webhooks", { body: webhookBody(id) })).type).toBe(
      "webhook_already_exists",
    );
  });

  it.skipIf(isRealAppwrite)(
    "matches by method and RegExp path, and lasts until cleared without a count",
    async () => {
      const emulator = emulatorOf(target);
      const id = String((await createWebhook(target, cleanup, testId("rx")))["$id"]);
      emulator.injectFault({
        kind: "status",
        status: 500,
        method: "patch",
        path: /^\/v1\/webhooks\/[^/]+\/secret$/,
      });
      for (let i = 0; i < 3; i++)
        expect((await call(target, "PATCH", `/webhooks/${id}/secret`, { body: {} })).status).toBe(500);
      expect((await call(target, "GET", `/webhooks/${id}`)).status).toBe(200);
      emulator.clearFaults();
      expect((await call(target, "PATCH", `/webhooks/${id}/secret`, { body: {} })).status).toBe(200);
    },
  );

  it.skipIf(isRealAppwrite)(
    "matches by project (X-Appwrite-Project), so a fault aims at one project's calls on a shared route",
    async () => {
      const emulator = emulatorOf(target);
      emulator.injectFault({
        kind: "status",
        status: 503,
        method: "GET",
        projectId: OTHER_PROJECT_ID,
        count: 1,
      });
      // The target's own project is not affected, and does not use up the fault.
      expect((await call(target, "GET", "/webhooks")).status).toBe(200);
      const other = { project: OTHER_PROJECT_ID, key: `${API_KEY}-other` };
      expect((await call(target, "GET", "/webhooks", other)).status).toBe(503);
      expect((await call(target, "GET", "/webhooks", other)).status).toBe(200);
      expect(() => emulator.injectFault({ kind: "reset", projectId: "" })).toThrow(
        "projectId must be a non-empty string",
      );
    },
  );

  it.skipIf(isRealAppwrite)("applies global latency to every API request when configured", async () => {
    const slowEmulator = await startEmulator({
      latencyMs: 150,
      projects: [{ id: "p", keys: [{ key: "k" }] }],
    });
    try {
      const webhooks = new Webhooks(
        new Client().setEndpoint(slowEmulator.endpoint).setProject("p").setKey("k"),
      );
      const { ms } = await timed(() => webhooks.list());
      expect(ms).toBeGreaterThanOrEqual(145);
    } finally {
      await slowEmulator.close();
    }
  });
});

describe("counters", () => {
  it.skipIf(isRealAppwrite)(
    "count requests per endpoint (legacy aliases with their endpoint) and in total",
    async () => {
      const emulator = emulatorOf(target);
      emulator.resetCounters();
      const id = String((await createWebhook(target, cleanup, testId("cnt")))["$id"]);
      await call(target, "GET", "/webhooks");
      await call(target, "GET", `/projects/${target.projectId}/webhooks`);
      await call(target, "GET", `/webhooks/${id}`);
      await call(target, "PUT", `/webhooks/${id}`, {
        body: { name: "n", url: "https://hooks.example.com/c", events: [] },
      });
      await call(target, "PATCH", `/webhooks/${id}/secret`, { body: {} });
      await call(target, "DELETE", `/webhooks/${id}`);
      await call(target, "GET", "/nope");
      expect(emulator.counters()).toEqual({
        "POST /v1/webhooks": 1,
        "GET /v1/webhooks": 2,
        "GET /v1/webhooks/:id": 1,
        "PUT /v1/webhooks/:id": 1,
        "PATCH /v1/webhooks/:id/secret": 1,
        "DELETE /v1/webhooks/:id": 1,
        "GET (unmatched)": 1,
        total: 8,
      });
      emulator.resetCounters();
      expect(emulator.counters()).toEqual({ total: 0 });
    },
  );

  it.skipIf(isRealAppwrite)(
    "log recent requests with method, path, status and User-Agent (null status when dropped)",
    async () => {
      const emulator = emulatorOf(target);
      const before = emulator.requests().length;
      await call(target, "GET", "/webhooks", { headers: { "user-agent": "contract-agent/1" } });
      emulator.injectFault({ kind: "reset", method: "GET", count: 1 });
      await expect(call(target, "GET", "/webhooks/x")).rejects.toThrow();
      const logged = emulator.requests().slice(before);
      expect(logged).toMatchObject([
        {
          method: "GET",
          path: "/v1/webhooks",
          routeKey: "GET /v1/webhooks",
          status: 200,
          userAgent: "contract-agent/1",
          projectId: target.projectId,
        },
        { method: "GET", path: "/v1/webhooks/x", routeKey: "GET /v1/webhooks/:id", status: null },
      ]);
      expect(logged[0]?.seq).toBeLessThan(logged[1]?.seq ?? 0);
    },
  );
});

describe("control client over HTTP", () => {
  it.skipIf(isRealAppwrite)("drives an emulator it did not start", async () => {
    const receiver = await startReceiver();
    const control = new EmulatorControlClient(target.endpoint);
    try {
      expect(control.endpoint).toBe(target.endpoint);
      await control.createProject("remote");
      const key = await control.createKey("remote", { scopes: ["webhooks.read", "webhooks.write"] });
      expect(key).toMatch(/^standard_[0-9a-f]{256}$/);
      await control.setHostRoutes({ "hooks.example.com": receiver.origin });
      const created = await call(target, "POST", "/webhooks", {
        body: webhookBody(testId("remote"), { events: ["users.*"] }),
        project: "remote",
        key,
      });
      const id = String(body(created)["$id"]);
      const [stored] = await control.webhooks("remote");
      expect(stored).toMatchObject({ $id: id, projectId: "remote", secret: body(created)["secret"] });

      await control.resetCounters();
      await control.injectFault({ kind: "status", status: 418, path: /secret$/, count: 1 });
      expect(
        (await call(target, "PATCH", `/webhooks/${id}/secret`, { body: {}, project: "remote", key })).status,
      ).toBe(418);
      expect(await control.counters()).toEqual({ "PATCH /v1/webhooks/:id/secret": 1, total: 1 });
      await control.clearFaults();

      const records = await control.emit({
        projectId: "remote",
        event: "users.u9.update.email",
        payload: { $id: "u9" },
      });
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ webhookId: id, status: 200, success: true });
      expect(records[0]?.events).toHaveLength(6);
      expect(receiver.received).toHaveLength(1);
      expect((await control.deliveries()).at(-1)?.seq).toBe(records[0]?.seq);

      expect(await control.updateWebhook(id, { enabled: false, attempts: 10 })).toMatchObject({
        enabled: false,
        attempts: 10,
      });
      expect(await control.emit({ projectId: "remote", event: "users.u9.create", payload: {} })).toEqual([]);
      expect(await control.deleteWebhook(id)).toBe(true);
      expect(await control.deleteWebhook(id)).toBe(false);
      await expect(
        control.emit({ projectId: "no-such-project", event: "users.u1.create", payload: {} }),
      ).rejects.toBeInstanceOf(EmulatorControlError);
    } finally {
      await control.setHostRoutes({});
      await receiver.close();
    }
  });

  it.skipIf(isRealAppwrite)("reset returns to the seeded projects and keys", async () => {
    const separate = await startEmulator({ projects: [{ id: "seeded", keys: [{}] }] });
    const control = new EmulatorControlClient(separate.origin);
    try {
      const target2 = { endpoint: separate.endpoint, projectId: "seeded", apiKey: "" } as Target;
      await control.createProject("temporary");
      await control.reset();
      expect(errorOf(await call(target2, "GET", "/webhooks", { project: "temporary", key: null })).type).toBe(
        "project_not_found",
      );
      expect(errorOf(await call(target2, "GET", "/webhooks", { key: null })).type).toBe(
        "general_unauthorized_scope",
      );
    } finally {
      await separate.close();
    }
  });
});
