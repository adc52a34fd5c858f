/**
 * The reliability suite's pieces for `WebhookSet`: stacks of the `webhook-sets` test program (one
 * set per project, each set on a door), the sets' state read back from the engine, and the
 * invariant every set scenario ends with. It is support.ts's `assertConverged` for a set: the
 * project holds exactly the declared entries' webhooks, each once (no duplicate), every webhook
 * of the project is in the set's state and every webhook in state is on the server (no orphan
 * either way), and every key in `secrets` is the key the server signs with, checked against the
 * emulator's record and by a real signed delivery.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { expect } from "vitest";
import { openStack, type StackFixture } from "../../support/engine";
import { API_KEY, PROJECT, signature, url, type World } from "../fixture";
import { webhookStates, type Declared } from "./support";

/** Both doors' set types: the dynamic `WebhookSet` and the plugin's `NativeWebhookSet`. */
export const SET_TYPES = ["pulumi-nodejs:dynamic/appwrite:WebhookSet", "appwrite-webhooks:index:WebhookSet"];

export type SetDoor = "dynamic" | "native";

/** One set as the `webhook-sets` program declares it (see test/e2e/programs/webhook-sets). */
export interface DeclaredSet {
  door: SetDoor;
  projectId: string;
  webhooks: Record<string, Declared>;
  concurrency?: number;
  unmanaged?: "ignore" | "report" | "delete";
}

/** Per set, per entry key: the entry's declared key and basic-auth password, kept in secret config. */
export type SetSecrets = Record<string, Record<string, { secret?: string; authPassword?: string }>>;

/** A stack of the `webhook-sets` program; each set names its own project, so no default project is set. */
export function setStack(
  world: World,
  sets: Record<string, DeclaredSet>,
  secrets: SetSecrets = {},
  env: Record<string, string> = {},
): Promise<StackFixture> {
  return openStack({
    program: "test/e2e/programs/webhook-sets",
    config: {
      "appwrite:endpoint": world.emulator.endpoint,
      "appwrite:projectId": PROJECT,
      "appwrite-webhooks:endpoint": world.emulator.endpoint,
      "appwrite-webhooks:projectId": PROJECT,
      "e2e:sets": JSON.stringify(sets),
    },
    secretConfig: {
      "appwrite:apiKey": API_KEY,
      "appwrite-webhooks:apiKey": API_KEY,
      "e2e:secrets": JSON.stringify(secrets),
    },
    env,
  });
}

export async function declareSets(stack: Stack, sets: Record<string, DeclaredSet>): Promise<void> {
  await stack.setConfig("e2e:sets", { value: JSON.stringify(sets) });
}

/** `n` entries `e00`…, each with its own URL under `/sets/<lane>/`. */
export function entries(lane: string, n: number): Record<string, Declared> {
  return Object.fromEntries(
    Array.from({ length: n }, (_, i): [string, Declared] => {
      const key = `e${String(i).padStart(2, "0")}`;
      return [key, { name: `${lane} ${key}`, url: deliveryUrl(lane, key), events: ["users.*.create"] }];
    }),
  );
}

export const deliveryUrl = (lane: string, key: string) => url(`/sets/${lane}/${key}`);

/** A set's outputs as the engine stores them (exportStack decrypts secrets: test-only). */
export interface SetStateEntry {
  name: string;
  urn: string;
  webhookIds: Record<string, string>;
  secrets: Record<string, string>;
  previousSecrets: Record<string, string>;
  authPasswords: Record<string, string>;
  webhooks: Record<string, { name: string; url: string; events: string[] }>;
}

/** The sets in Pulumi state, by resource name. */
export async function setStates(stack: Stack): Promise<Record<string, SetStateEntry>> {
  const states = await webhookStates(stack, SET_TYPES);
  return Object.fromEntries(
    states.map((state) => {
      const outputs = state.outputs as Partial<SetStateEntry>;
      return [
        state.name,
        {
          name: state.name,
          urn: state.urn,
          webhookIds: outputs.webhookIds ?? {},
          secrets: outputs.secrets ?? {},
          previousSecrets: outputs.previousSecrets ?? {},
          authPasswords: outputs.authPasswords ?? {},
          webhooks: outputs.webhooks ?? {},
        },
      ];
    }),
  );
}

/**
 * What state holds of `keys` is what the server holds: each entry's webhook exists under the ID
 * in state, and the key in `secrets` is the key in force, equal to the emulator's and verifying
 * a signed delivery (HMAC-SHA1 computed here with node:crypto, not by the package).
 */
export async function assertKeysInForce(
  world: World,
  state: SetStateEntry,
  projectId: string,
  keys: readonly string[] = Object.keys(state.webhookIds),
): Promise<void> {
  const live = new Map(world.emulator.webhooks(projectId).map((webhook) => [webhook.$id, webhook]));
  for (const key of keys) {
    const webhook = live.get(state.webhookIds[key] ?? "");
    expect(
      webhook,
      `${state.name}.${key}: its webhook ${state.webhookIds[key]} is on the server`,
    ).toBeDefined();
    expect(state.secrets[key], `${state.name}.${key}: the key in state is the key in force`).toBe(
      webhook?.secret,
    );
  }
  const before = world.receiver.received.length;
  await world.emulator.emit({ projectId, event: "users.u1.create", payload: { $id: "u1" } });
  const received = world.receiver.received.slice(before);
  for (const key of keys) {
    const url = live.get(state.webhookIds[key] ?? "")?.url ?? "";
    const delivery = received.find((d) => d.path === new URL(url).pathname);
    expect(delivery, `${state.name}.${key}: a delivery to ${url}`).toBeDefined();
    expect(
      delivery?.headers["x-appwrite-webhook-signature"],
      `${state.name}.${key}: the delivery verifies with the key in state`,
    ).toBe(signature(url, delivery?.body ?? "", state.secrets[key] ?? ""));
  }
}

/**
 * After a step that failed in part: state holds what the server holds, no more and no less. Each
 * webhook of the project is in state under its entry, with the name and URL the server has (the
 * old ones for a refused update), and each key in state is the key in force.
 */
export async function assertStateMatchesServer(
  world: World,
  state: SetStateEntry,
  projectId: string,
): Promise<void> {
  const live = world.emulator.webhooks(projectId);
  expect(
    new Set(Object.values(state.webhookIds)),
    `${state.name}: state names the webhooks on the server`,
  ).toEqual(new Set(live.map((webhook) => webhook.$id)));
  for (const [key, id] of Object.entries(state.webhookIds)) {
    const webhook = live.find((w) => w.$id === id);
    expect(
      { name: webhook?.name, url: webhook?.url },
      `${state.name}.${key} in state and on the server`,
    ).toEqual({
      name: state.webhooks[key]?.name,
      url: state.webhooks[key]?.url,
    });
  }
  await assertKeysInForce(world, state, projectId);
}

/** What one set's project and state held when it was checked: the counts a report prints. */
export interface Convergence {
  declared: number;
  onServer: number;
  inState: number;
  duplicates: number;
  orphans: number;
}

/**
 * The invariant: each set's project holds exactly its declared entries' webhooks, each once, and
 * the set's state names exactly those (no orphan on the server, none in state), with the
 * declared fields and the key in force.
 */
export async function assertSetsConverged(
  world: World,
  stack: Stack,
  sets: Record<string, DeclaredSet>,
): Promise<Record<string, Convergence>> {
  const states = await setStates(stack);
  const figures: Record<string, Convergence> = {};
  for (const [name, declared] of Object.entries(sets)) {
    const live = world.emulator.webhooks(declared.projectId);
    const state = states[name];
    expect(state, `${name} is in state`).toBeDefined();
    if (!state) continue;
    const ids = Object.values(state.webhookIds);
    const liveIds = new Set(live.map((webhook) => webhook.$id));
    const stateIds = new Set(ids);
    figures[name] = {
      declared: Object.keys(declared.webhooks).length,
      onServer: live.length,
      inState: ids.length,
      duplicates: live.length - new Set(live.map((webhook) => webhook.url)).size,
      orphans: [...liveIds].filter((id) => !stateIds.has(id)).length,
    };
    expect(figures[name], `${name}: server and state vs declared`).toEqual({
      declared: figures[name].declared,
      onServer: figures[name].declared,
      inState: figures[name].declared,
      duplicates: 0,
      orphans: 0,
    });
    expect(stateIds, `${name}: state names the webhooks on the server`).toEqual(liveIds);
    expect(Object.keys(state.webhookIds).sort(), `${name}: an ID per declared entry`).toEqual(
      Object.keys(declared.webhooks).sort(),
    );
    for (const [key, entry] of Object.entries(declared.webhooks)) {
      const webhook = live.find((w) => w.$id === state.webhookIds[key]);
      expect({ name: webhook?.name, url: webhook?.url }, `${name}.${key} on the server`).toEqual({
        name: entry.name,
        url: entry.url,
      });
      if (typeof entry.webhookId === "string") expect(webhook?.$id).toBe(entry.webhookId);
    }
    await assertKeysInForce(world, state, declared.projectId);
  }
  return figures;
}
