/**
 * The emulator keeps its own copy of Appwrite's events.php (emulator/appwrite-config/), so that
 * its event rule is a reading of Appwrite independent from the provider's. Two copies may drift:
 * this test fails when they describe different trees, so a catalog update cannot land in one
 * only, and when the two validators built on them answer differently.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import emulatorConfig from "../../emulator/appwrite-config/events-1.9.6.json";
import emulatorNextConfig from "../../emulator/appwrite-config/events-next.json";
import type { EventConfigNode } from "../../emulator/appwrite-config/events-config";
import { isAppwriteEvent } from "../../emulator/validators/event-validator";
import providerCatalog from "../../provider/lifecycle/appwrite-events-1.9.6.json";
import { eventTypes, isValidEvent } from "../../provider/lifecycle/events";

/** A node of events.php as PHP holds it: `$` metadata next to action and resource names. */
interface PhpNode {
  [key: string]: PhpNode | string | boolean;
}

/** The provider catalog's shape of a node (its `format` section), without `modelConstant`. */
interface CatalogNode {
  resource?: boolean;
  model?: string;
  description: string;
  actions?: Record<string, { description: string; attributes?: Record<string, { description: string }> }>;
  subResources?: Record<string, CatalogNode>;
}

function description(node: PhpNode): string {
  const text = node["$description"];
  if (typeof text !== "string") throw new Error(`a node without $description: ${JSON.stringify(node)}`);
  return text;
}

/** events.php's shape read into the catalog's: a child with `$resource` is a sub-resource. */
function fromPhp(node: PhpNode): CatalogNode {
  const result: CatalogNode = { description: description(node) };
  if (node["$resource"] !== undefined) result.resource = node["$resource"] === true;
  if (typeof node["$model"] === "string") result.model = node["$model"];
  for (const [key, child] of Object.entries(node)) {
    if (key.startsWith("$") || typeof child !== "object") continue;
    if (child["$resource"] === true) {
      (result.subResources ??= {})[key] = fromPhp(child);
      continue;
    }
    const action: NonNullable<CatalogNode["actions"]>[string] = { description: description(child) };
    for (const [attribute, leaf] of Object.entries(child)) {
      if (attribute.startsWith("$") || typeof leaf !== "object") continue;
      (action.attributes ??= {})[attribute] = { description: description(leaf) };
    }
    (result.actions ??= {})[key] = action;
  }
  return result;
}

function withoutModelConstants(node: CatalogNode & { modelConstant?: string }): CatalogNode {
  const { modelConstant: _constant, subResources, ...rest } = node;
  if (!subResources) return rest;
  return {
    ...rest,
    subResources: Object.fromEntries(
      Object.entries(subResources).map(([name, child]) => [name, withoutModelConstants(child)]),
    ),
  };
}

const emulatorTree = Object.fromEntries(
  Object.entries(emulatorConfig.events as unknown as Record<string, PhpNode>).map(([type, node]) => [
    type,
    fromPhp(node),
  ]),
);
const providerTree = Object.fromEntries(
  Object.entries(providerCatalog.types as Record<string, CatalogNode>).map(([type, node]) => [
    type,
    withoutModelConstants(node),
  ]),
);

/**
 * Random names made of the tree's own keys (plus IDs, wildcards and PHP's falsy segments), so
 * that most of them reach deep into the rule; the emulator's validator over `tree` and the
 * provider's `providerAnswer` must agree on each.
 */
function expectSameAnswers(tree: object, providerAnswer: (name: string) => boolean, seed: number): void {
  const segments = [
    ...new Set(
      JSON.stringify(tree)
        .match(/"[^"]+":/g)
        ?.map((key) => key.slice(1, -2)),
    ),
    "*",
    "x1",
    "",
    "0",
    "unknown",
  ];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...segments), { minLength: 1, maxLength: 8 }), (parts) => {
      const name = parts.join(".");
      expect(isAppwriteEvent(name, tree as EventConfigNode), name).toBe(providerAnswer(name));
    }),
    { numRuns: 5000, seed },
  );
}

describe("the emulator's and the provider's copies of Appwrite 1.9.6's events.php", () => {
  it("were read from the same Appwrite commit", () => {
    expect(emulatorConfig.source.tag).toBe(providerCatalog.appwriteVersion);
    expect(emulatorConfig.source.commit).toBe(providerCatalog.source.commit);
  });

  it("describe the same tree: types, resources, models, actions, attributes and texts, in order", () => {
    expect(Object.keys(emulatorTree)).toEqual(Object.keys(providerTree));
    expect(emulatorTree).toEqual(providerTree);
  });

  it("would catch a change to one copy only", () => {
    const changed = structuredClone(emulatorConfig.events) as unknown as Record<string, PhpNode>;
    (changed["users"] as PhpNode)["archive"] = { $description: "A new action." };
    const changedTree = Object.fromEntries(
      Object.entries(changed).map(([type, node]) => [type, fromPhp(node)]),
    );
    expect(changedTree).not.toEqual(providerTree);
  });

  it("give the same answer in both validators, for names built from the tree's own segments", () => {
    expectSameAnswers(emulatorConfig.events, (name) => isValidEvent(name, "1.9.6"), 2196);
  });

  it("accept and reject the provider catalog's listed patterns alike", () => {
    for (const event of providerCatalog.patterns.accepted) expect(isAppwriteEvent(event), event).toBe(true);
    for (const event of providerCatalog.patterns.rejected) expect(isAppwriteEvent(event), event).toBe(false);
  });
});

/**
 * `next` is Appwrite's main branch. The emulator reads its events.php from that commit
 * (`--appwrite next`); the provider's `eventValidation: "main"` adds the catalog's
 * `mainHeadAdditions` to 1.9.6. Both must describe one tree, read at one commit.
 */
describe("the emulator's `next` events.php and the provider's `main` catalog", () => {
  it("were read from the same main-branch commit", () => {
    expect(emulatorNextConfig.source.commit).toBe(providerCatalog.mainHeadAdditions.commit);
  });

  it("list the same event types, in order", () => {
    expect(Object.keys(emulatorNextConfig.events)).toEqual(eventTypes("main"));
  });

  it("give the same answer in both validators", () => {
    expectSameAnswers(emulatorNextConfig.events, (name) => isValidEvent(name, "main"), 1313);
  });

  it("accept every event main added, which 1.9.6 refuses", () => {
    const added = [
      "tablesdb.*",
      "documentsdb.*",
      "vectorsdb.*",
      "users.*.update.phone",
      "users.*.update.impersonator",
    ];
    for (const event of added) {
      expect(isAppwriteEvent(event, emulatorNextConfig.events as unknown as EventConfigNode), event).toBe(
        true,
      );
      expect(isAppwriteEvent(event), event).toBe(false);
    }
  });
});
