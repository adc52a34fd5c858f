/**
 * GitOps on the real engine: export of a live project (paging), the exported file applied to a
 * second server (round trip), adoption of existing webhooks, cloning with each secret policy, and
 * the Appwrite CLI's appwrite.config.json from validate through up to export.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startEmulator, type Emulator } from "../../emulator";
import { REPO_ROOT, openStack, provisionEngine, type StackFixture } from "../support/engine";
import { commandLines, snippet } from "../docs/snippets";
import { BAD_DECLARATION, startReceiver, type Receiver } from "../provider/fixtures";
import { cli } from "./reliability/support";
import { quiet, signature } from "./fixture";

const run = promisify(execFile);
const KEY = "standard_gitops-key-5e1d";
const NODE = join(REPO_ROOT, "node_modules", ".bin", "node");

let emulator: Emulator;
let receiver: Receiver;
const stacks: StackFixture[] = [];

const PROJECTS = ["source", "adopt", "staging", "prod", "shop-dev", "shop-prod", "restore", "cli"];

beforeAll(async () => {
  await provisionEngine();
  emulator = await startEmulator({
    projects: PROJECTS.map((id) => ({
      id,
      keys: [{ key: `${KEY}-${id}` }],
    })),
    deliveryTimeoutMs: 2000,
  });
  receiver = await startReceiver();
  emulator.setHostRoutes({
    "hooks.example.com": receiver.origin,
    "staging.hooks.example.com": receiver.origin,
    "prod.hooks.example.com": receiver.origin,
  });
});
// No test here is about destroy except the adoption's, which destroys and asserts on it: the
// others' stacks are thrown away and their webhooks removed from the emulator directly (a
// destroy per stack, one DELETE per webhook, that nothing would look at).
afterEach(() => {
  for (const fixture of stacks.splice(0)) fixture.discard();
  for (const project of PROJECTS) {
    for (const webhook of emulator.webhooks(project)) emulator.deleteWebhook(webhook.$id);
    expect(emulator.webhooks(project), project).toEqual([]);
  }
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

async function post(
  target: Emulator,
  project: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await request(`${target.endpoint}/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-appwrite-project": project,
      "x-appwrite-key": `${KEY}-${project}`,
    },
    body: JSON.stringify(body),
  });
  const json = (await response.body.json()) as Record<string, unknown>;
  if (response.statusCode !== 201) throw new Error(JSON.stringify(json));
  return json;
}

async function declaredStack(
  target: Emulator,
  project: string,
  file: string,
  secretConfig: Record<string, string> = {},
) {
  const fixture = await openStack({
    program: "test/e2e/programs/declared",
    config: {
      "appwrite:endpoint": target.endpoint,
      "appwrite:projectId": project,
      "e2e:file": "webhooks.yaml",
    },
    secretConfig: { "appwrite:apiKey": `${KEY}-${project}`, ...secretConfig },
  });
  stacks.push(fixture);
  writeFileSync(join(fixture.workDir, "webhooks.yaml"), file);
  return fixture;
}

const comparable = (w: {
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  tls: boolean;
  authUsername: string;
  authPassword: string;
}) => ({
  name: w.name,
  url: w.url,
  events: w.events,
  enabled: w.enabled,
  tls: w.tls,
  authUsername: w.authUsername,
  authPassword: w.authPassword,
});

describe("GitOps", () => {
  it("exports 250 webhooks page by page, and the file round-trips onto a second server", async () => {
    const created: string[] = [];
    for (let i = 0; i < 250; i++) {
      const auth = i % 25 === 0 ? { authUsername: `user${i}`, authPassword: `password-${i}` } : {};
      const webhook = await post(emulator, "source", {
        webhookId: `hook-${String(i).padStart(3, "0")}`,
        name: `Hook ${i}`,
        url: `https://hooks.example.com/in/${i}?q=${i}`,
        events: i % 2 === 0 ? ["users.*.create"] : ["buckets.*.files.*", "teams.*"],
        enabled: i % 7 !== 0,
        tls: i % 3 === 0,
        ...auth,
      });
      created.push(String(webhook.$id));
    }
    emulator.resetCounters();
    const out = join(REPO_ROOT, ".work", `export-${process.pid}.yaml`);
    await run(
      NODE,
      ["dist/cli/index.js", "export", "--endpoint", emulator.endpoint, "--project", "source", "--out", out],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, APPWRITE_API_KEY: `${KEY}-source` },
      },
    );
    expect(emulator.counters()["GET /v1/webhooks"]).toBe(3);
    const { readFileSync } = await import("node:fs");
    const text = readFileSync(out, "utf8");
    expect(text).toMatch(/cannot be read back/);
    expect(text).not.toMatch(/password-\d/);
    const exported = parse(text) as { webhooks: Array<{ id: string; auth?: { passwordConfig: string } }> };
    expect(exported.webhooks.map((w) => w.id)).toEqual(created);

    // Apply the file to a project on another server: the same webhooks, field for field.
    const second = await startEmulator({ projects: [{ id: "copy", keys: [{ key: `${KEY}-copy` }] }] });
    const passwords = Object.fromEntries(
      exported.webhooks.flatMap((w) =>
        w.auth ? [[w.auth.passwordConfig, `password-${Number(w.id.slice(5))}`]] : [],
      ),
    );
    const fixture = await declaredStack(second, "copy", text, passwords);
    try {
      const up = await fixture.stack.up(quiet);
      expect(up.summary.resourceChanges).toMatchObject({ create: 251 });
      // Pulumi creates in parallel, so compare by ID rather than in creation order.
      const byId = (list: ReturnType<Emulator["webhooks"]>) =>
        [...list].sort((a, b) => a.$id.localeCompare(b.$id)).map((w) => ({ id: w.$id, ...comparable(w) }));
      expect(byId(second.webhooks("copy"))).toEqual(byId(emulator.webhooks("source")));
    } finally {
      // The second server goes away with its stack: destroying its 251 resources would prove nothing.
      stacks.splice(stacks.indexOf(fixture), 1);
      fixture.discard();
      await second.close();
    }
    for (const id of created) emulator.deleteWebhook(id);
  });

  it("adopts 3 existing webhooks: no duplicates, each key known afterwards, and destroy leaves them in place", async () => {
    for (const id of ["legacy-a", "legacy-b", "legacy-c"]) {
      await post(emulator, "adopt", {
        webhookId: id,
        name: `console ${id}`,
        url: `https://hooks.example.com/${id}`,
        events: ["users.*"],
      });
    }
    const file = `version: 1
webhooks:
${["legacy-a", "legacy-b", "legacy-c"]
  .map(
    (id) =>
      `  - id: ${id}\n    name: Managed ${id}\n    url: https://hooks.example.com/${id}\n    events: [users.*.create]\n    adopt: true\n`,
  )
  .join("")}`;
    const fixture = await declaredStack(emulator, "adopt", file);
    const up = await fixture.stack.up(quiet);
    expect(up.summary.resourceChanges).toMatchObject({ create: 4 });
    const live = emulator.webhooks("adopt");
    expect(live.map((w) => w.$id)).toEqual(["legacy-a", "legacy-b", "legacy-c"]);
    expect(live.map((w) => w.name)).toEqual(["Managed legacy-a", "Managed legacy-b", "Managed legacy-c"]);
    const secrets = (await fixture.stack.outputs()).secrets?.value as Record<string, string>;
    for (const webhook of live) expect(secrets[webhook.$id]).toBe(webhook.secret);
    const before = receiver.received.length;
    await emulator.emit({ projectId: "adopt", event: "users.u9.create", payload: { $id: "u9" } });
    const deliveries = receiver.received.slice(before);
    expect(deliveries).toHaveLength(3);
    for (const delivery of deliveries) {
      const id = String(delivery.headers["x-appwrite-webhook-id"]);
      expect(delivery.headers["x-appwrite-webhook-signature"]).toBe(
        signature(`https://hooks.example.com/${id}`, delivery.body, String(secrets[id])),
      );
    }

    // They existed before Pulumi: a destroy takes them out of state and leaves them serving.
    await fixture.destroy();
    const kept = emulator.webhooks("adopt");
    expect(kept.map((w) => [w.$id, w.secret])).toEqual(live.map((w) => [w.$id, secrets[w.$id]]));
    for (const webhook of kept) emulator.deleteWebhook(webhook.$id);
  });

  it("examples/gitops: the same file applied by the dev and prod stacks, each to its own project; a reviewed rotation puts the new key and the previous one in signingKeys", async () => {
    for (const env of ["dev", "prod"] as const) {
      const fixture = await openStack({
        program: "examples/gitops",
        stackName: env,
        // Pulumi.<env>.yaml sets env and the project; only the endpoint points at the emulator here.
        config: { "appwrite:endpoint": emulator.endpoint },
        secretConfig: {
          "appwrite:apiKey": `${KEY}-shop-${env}`,
          "gitops-webhooks:receiverPassword": `pw-${env}`,
        },
      });
      stacks.push(fixture);
      await fixture.stack.up(quiet);
      const live = emulator.webhooks(`shop-${env}`).sort((a, b) => a.$id.localeCompare(b.$id));
      expect(live.map((w) => [w.$id, w.url])).toEqual([
        [`${env}-orders`, `https://${env}.hooks.example.com/appwrite/orders`],
        [`${env}-signups`, `https://${env}.hooks.example.com/appwrite/users`],
      ]);
      expect(live[1]).toMatchObject({ authUsername: "appwrite", authPassword: `pw-${env}` });
      expect((await fixture.stack.preview(quiet)).changeSummary).toEqual({ same: 3 });
      if (env === "dev") await reviewedRotation(fixture);
    }

    // On the dev stack, once its webhooks are up: the file's rotationTrigger changes in review.
    async function reviewedRotation(fixture: StackFixture) {
      type Keys = { secret: string; previousSecret: string | null; secretRotatedAt: string | null };
      const keys = async () =>
        (await fixture.stack.outputs()).signingKeys as { value: Record<string, Keys>; secret: boolean };
      const first = await keys();
      expect(first.secret).toBe(true);
      expect(first.value.orders).toMatchObject({ previousSecret: null, secretRotatedAt: null });
      const file = join(fixture.workDir, "webhooks.yaml");
      writeFileSync(file, readFileSync(file, "utf8").replace('rotationTrigger: "1"', 'rotationTrigger: "2"'));
      await fixture.stack.up(quiet);
      const rotated = (await keys()).value.orders;
      const live = emulator.webhooks("shop-dev").find((w) => w.$id === "dev-orders");
      expect(rotated?.secret).toBe(live?.secret);
      expect(rotated?.previousSecret).toBe(first.value.orders?.secret);
      expect(rotated?.secretRotatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
  });

  it("examples/gitops as one WebhookSet: the same webhooks and outputs, a reviewed rotation, a console webhook reported", async () => {
    const fixture = await openStack({
      program: "examples/gitops",
      stackName: "dev",
      config: { "appwrite:endpoint": emulator.endpoint, "gitops-webhooks:webhooksAs": "set" },
      secretConfig: { "appwrite:apiKey": `${KEY}-shop-dev`, "gitops-webhooks:receiverPassword": "pw-dev" },
    });
    stacks.push(fixture);
    await fixture.stack.up(quiet);
    const live = () => emulator.webhooks("shop-dev").sort((a, b) => a.$id.localeCompare(b.$id));
    expect(live().map((w) => [w.$id, w.url])).toEqual([
      ["dev-orders", "https://dev.hooks.example.com/appwrite/orders"],
      ["dev-signups", "https://dev.hooks.example.com/appwrite/users"],
    ]);
    expect(live()[1]).toMatchObject({ authUsername: "appwrite", authPassword: "pw-dev" });
    const types = (await fixture.stack.exportStack()).deployment.resources.map(
      (r: { type: string }) => r.type,
    );
    expect(types.filter((type: string) => type.includes("appwrite"))).toEqual([
      "pulumi-nodejs:dynamic/appwrite:WebhookSet",
    ]);
    type Keys = { secret: string; previousSecret: string | null; secretRotatedAt: string | null };
    const keys = async () =>
      (await fixture.stack.outputs()).signingKeys as { value: Record<string, Keys>; secret: boolean };
    const first = await keys();
    expect(first.secret).toBe(true);
    expect(first.value.orders).toMatchObject({
      secret: live()[0]?.secret,
      previousSecret: null,
      secretRotatedAt: null,
    });

    const file = join(fixture.workDir, "webhooks.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace('rotationTrigger: "1"', 'rotationTrigger: "2"'));
    await post(emulator, "shop-dev", {
      webhookId: "console-made",
      name: "Made in the console",
      url: "https://hooks.example.com/console",
      events: ["users.*"],
    });
    let printed = "";
    await fixture.stack.up({ onOutput: (line) => (printed += line) });
    const rotated = (await keys()).value.orders;
    expect(rotated?.secret).toBe(live().find((w) => w.$id === "dev-orders")?.secret);
    expect(rotated?.previousSecret).toBe(first.value.orders?.secret);
    // The set's up lists the project after its writes and names what no entry declares.
    expect(printed).toMatch(/console-made/);
    emulator.deleteWebhook("console-made");
  });

  it("appwrite.config.json with 5 webhooks, by docs/gitops.md's program and commands: validate, up, export, byte for byte", async () => {
    // Written as `appwrite pull webhooks` writes it (test/provider/appwrite-cli-file.test.ts checks
    // it against the CLI's source; the CLI of that version cannot run here, see there).
    const original = readFileSync(join(REPO_ROOT, "test/e2e/fixtures/appwrite.config.json"), "utf8");
    type CliEntry = {
      $id: string;
      name: string;
      url: string;
      events: string[];
      enabled: boolean;
      tls: boolean;
    };
    const declared = (JSON.parse(original) as { webhooks: CliEntry[] }).webhooks;
    // One webhook was already pushed by the CLI (no auth fields): the first up takes it over.
    const { $id: pushedId, ...pushed } = declared[0]!;
    await post(emulator, "cli", { webhookId: pushedId, ...pushed });
    const connection = {
      APPWRITE_ENDPOINT: emulator.endpoint,
      APPWRITE_PROJECT_ID: "cli",
      APPWRITE_API_KEY: `${KEY}-cli`,
    };
    const fixture = await openStack({
      program: "test/e2e/programs/appwrite-cli",
      config: { "appwrite:endpoint": emulator.endpoint, "appwrite:projectId": "cli" },
      secretConfig: { "appwrite:apiKey": `${KEY}-cli` },
      // `pulumi up` as the page writes it: no TTY here, so its confirmation is skipped by env.
      env: { PULUMI_SKIP_CONFIRMATIONS: "true" },
    });
    stacks.push(fixture);
    const file = join(fixture.workDir, "appwrite.config.json");
    writeFileSync(file, original);

    const engine = await provisionEngine();
    const bin = join(REPO_ROOT, "dist/cli/index.js");
    const ours = "npx pulumi-appwrite-webhooks ";
    const steps = commandLines(snippet("appwrite-cli-to-pulumi").text);
    expect(steps.map((line) => line.split(" ").slice(0, 3).join(" "))).toEqual([
      "npx pulumi-appwrite-webhooks validate",
      "pulumi up",
      "npx pulumi-appwrite-webhooks export",
    ]);
    const outputs: string[] = [];
    for (const line of steps) {
      if (line.startsWith(ours)) {
        const args = line.slice(ours.length).split(" ");
        const ran = await run(NODE, [bin, ...args], {
          cwd: fixture.workDir,
          env: { ...process.env, ...connection },
        });
        outputs.push(ran.stderr);
      } else {
        const ran = await cli(engine, fixture, line.split(" ").slice(1));
        expect(ran.code, `${line}\n${ran.stdout}\n${ran.stderr}`).toBe(0);
        outputs.push(ran.stdout);
      }
    }
    expect(outputs[0]).toBe("appwrite.config.json: 5 webhooks (the Appwrite CLI's webhooks array), valid\n");
    // The up ran its preview first, then created the 5 webhooks (one of them taken over) and the stack.
    expect(outputs[1]).toMatch(/Previewing update[\s\S]*Updating[\s\S]*6 created/);
    const [summary] = await fixture.stack.history(1);
    expect(summary?.resourceChanges).toEqual({ create: 6 });
    const live = emulator.webhooks("cli");
    const byId = <T extends { $id: string }>(list: T[]) =>
      [...list].sort((a, b) => a.$id.localeCompare(b.$id));
    expect(
      byId(live).map((w) => ({
        $id: w.$id,
        name: w.name,
        url: w.url,
        events: w.events,
        enabled: w.enabled,
        tls: w.tls,
      })),
    ).toEqual(byId(declared));
    // No key in the file: Appwrite generated each one, and the stack holds it as a secret.
    const keys = (await fixture.stack.outputs()).signingKeys;
    expect(keys?.secret).toBe(true);
    for (const webhook of live)
      expect((keys?.value as Record<string, string>)[webhook.$id]).toBe(webhook.secret);
    // The export wrote the file back over itself: the same bytes.
    expect(outputs[2]).toMatch(/exported 5 webhooks of project cli/);
    expect(readFileSync(file, "utf8")).toBe(original);

    // Into a stale copy (an entry renamed, one missing): only the webhooks change, back to the
    // original, byte for byte; the rest of the file (projectId, buckets, teams, topics) stays.
    const exportArgs = steps[2]!.slice(ours.length).split(" ").slice(0, -2);
    const stalePath = join(fixture.workDir, "stale", "appwrite.config.json");
    const stale = {
      ...JSON.parse(original),
      webhooks: declared.slice(0, 4).map((w) => ({ ...w, name: `${w.name} (old)` })),
    };
    mkdirSync(dirname(stalePath));
    writeFileSync(stalePath, JSON.stringify(stale, null, 4));
    const env = { ...process.env, ...connection };
    await run(NODE, [bin, ...exportArgs, "--out", stalePath], { cwd: fixture.workDir, env });
    expect(readFileSync(stalePath, "utf8")).toBe(original);

    // Without a file: the same webhooks, for a new appwrite.config.json.
    const fresh = await run(NODE, [bin, ...exportArgs], { cwd: fixture.workDir, env });
    const written = JSON.parse(fresh.stdout) as { projectId: string; webhooks: CliEntry[] };
    expect(written.projectId).toBe("cli");
    expect(byId(written.webhooks)).toEqual(byId(declared));

    // Destroy is covered elsewhere: an engine run saved, the project emptied by hand.
    stacks.splice(stacks.indexOf(fixture), 1);
    fixture.discard();
    for (const webhook of live) emulator.deleteWebhook(webhook.$id);
  });

  it("a bad webhooks.yaml fails the preview with every problem at once and no stack trace", async () => {
    const fixture = await declaredStack(emulator, "restore", BAD_DECLARATION);
    let output = "";
    const failure = await fixture.stack
      .preview({ onOutput: (line) => (output += line) })
      .then(() => undefined)
      .catch((error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(Error);
    const printed = `${output}\n${failure?.message ?? ""}`;
    expect(printed).toContain("webhooks.yaml: 3 problems");
    expect(printed).toMatch(/webhooks\[0\]\.colour \(line 7\): unknown key "colour"/);
    expect(printed).toMatch(/webhooks\[0\]\.url \(line 5\): template variable \$\{host\} is not defined/);
    expect(printed).toMatch(/webhooks\[1\]\.events\[0\] \(line 11\)/);
    expect(printed).not.toMatch(/unhandled exception|^\s+at .*\.js:\d+/m);
  });

  it("a key changed in the console is set again from the file: fromConfig with a new rotationTrigger", async () => {
    const declared = "declared-key-0123456789abcdef";
    const declaration = (trigger: string) =>
      [
        "version: 1",
        "webhooks:",
        "  - id: restored",
        "    name: Restored",
        "    url: https://hooks.example.com/restored",
        "    events: [users.*.create]",
        `    secret: { fromConfig: ordersKey, rotationTrigger: "${trigger}" }`,
        "",
      ].join("\n");
    const fixture = await declaredStack(emulator, "restore", declaration("1"), {
      "e2e-declared:ordersKey": declared,
    });
    await fixture.stack.up(quiet);
    const liveKey = () => emulator.webhooks("restore").find((w) => w.$id === "restored")?.secret;
    expect(liveKey()).toBe(declared);
    // Someone sets another key in the console: Appwrite never returns keys, so no refresh sees it.
    const changed = await request(`${emulator.endpoint}/webhooks/restored/secret`, {
      method: "PATCH",
      headers: {
        "content-type": "application/json",
        "x-appwrite-project": "restore",
        "x-appwrite-key": `${KEY}-restore`,
      },
      body: JSON.stringify({ secret: "console-key-0123456789" }),
    });
    expect(changed.statusCode).toBe(200);
    await changed.body.dump();
    expect(liveKey()).toBe("console-key-0123456789");
    // The reviewed fix: a new trigger beside the declared key, applied as CI applies it, with its
    // preview (the Automation API's up always skips the preview).
    writeFileSync(join(fixture.workDir, "webhooks.yaml"), declaration("2"));
    emulator.resetCounters();
    const up = await cli(await provisionEngine(), fixture, ["up", "--yes", "--stack", fixture.stack.name]);
    expect(up.code, up.stderr + up.stdout).toBe(0);
    expect(liveKey()).toBe(declared);
    expect(emulator.counters()["PATCH /v1/webhooks/:id/secret"]).toBe(1);
    expect(emulator.counters()["PUT /v1/webhooks/:id"] ?? 0).toBe(0);
    const secrets = (await fixture.stack.outputs()).secrets?.value as Record<string, string>;
    expect(secrets.restored).toBe(declared);
  });

  describe.each(["regenerate", "reuse", "perEnvironment"] as const)(
    "cloning with secretPolicy %s",
    (policy) => {
      it("copies the declared webhooks into the target with mapped URLs, and the target's deliveries verify", async () => {
        const prodSecrets = {
          prodSecret_orders: "prod-orders-key-1",
          prodSecret_signups: "prod-signups-key-2",
        };
        const fixture = await openStack({
          program: "examples/clone-environment",
          config: {
            "appwrite:endpoint": emulator.endpoint,
            "appwrite:projectId": "staging",
            "clone-environment:targetProjectId": "prod",
            "clone-environment:secretPolicy": policy,
          },
          secretConfig: {
            "appwrite:apiKey": `${KEY}-staging`,
            "clone-environment:targetApiKey": `${KEY}-prod`,
            ...(policy === "perEnvironment"
              ? Object.fromEntries(Object.entries(prodSecrets).map(([k, v]) => [`clone-environment:${k}`, v]))
              : {}),
          },
        });
        stacks.push(fixture);
        await fixture.stack.up(quiet);
        const out = await fixture.stack.outputs();
        const stagingKeys = out.stagingKeys?.value as Record<string, string>;
        const prodKeys = out.prodKeys?.value as Record<string, string>;
        expect(out.prodKeys?.secret).toBe(true);
        // Created in parallel: compare in ID order.
        const prod = emulator.webhooks("prod").sort((a, b) => a.$id.localeCompare(b.$id));
        expect(prod.map((w) => w.$id)).toEqual(["prod-orders", "prod-signups"]);
        expect(prod.map((w) => w.url)).toEqual([
          "https://prod.hooks.example.com/appwrite/orders",
          "https://prod.hooks.example.com/appwrite/users",
        ]);
        const expected = {
          regenerate: (id: string) => prodKeys[id],
          reuse: (id: string) => stagingKeys[id],
          perEnvironment: (id: string) => prodSecrets[`prodSecret_${id}` as keyof typeof prodSecrets],
        }[policy];
        for (const id of ["orders", "signups"]) {
          expect(prodKeys[id]).toBe(expected(id));
          if (policy === "reuse") expect(prodKeys[id]).toBe(stagingKeys[id]);
          else expect(prodKeys[id]).not.toBe(stagingKeys[id]);
        }
        // Signed deliveries from the target project verify with the key the policy chose.
        const before = receiver.received.length;
        await emulator.emit({ projectId: "prod", event: "users.u1.create", payload: { $id: "u1" } });
        const delivery = receiver.received.slice(before).find((d) => d.path === "/appwrite/users");
        expect(delivery).toBeDefined();
        expect(delivery?.headers["x-appwrite-webhook-signature"]).toBe(
          signature(
            "https://prod.hooks.example.com/appwrite/users",
            delivery?.body ?? "",
            String(expected("signups")),
          ),
        );
      });
    },
  );
});
