/**
 * The independence rules of ARCHITECTURE.md, checked over every source file's imports:
 * - no file in provider/ imports from receiver/ by path, nor the reverse: the root's
 *   compatibility re-exports import the receiver package by its name, `appwrite-webhooks-receiver`;
 * - emulator/ imports from neither provider/ nor receiver/ (by path or by package name), so a
 *   delivery or an API answer checked against the emulator is checked against an independent
 *   implementation;
 * - the lifecycle and the client (provider/lifecycle, provider/appwrite) import nothing from a
 *   door, from the Pulumi SDK or from gRPC: the doors translate, the lifecycle decides;
 * - neither door reaches into the other: the dynamic door imports nothing from the plugin, and
 *   the plugin's engine side (all of provider/plugin/ but NativeWebhook, the program-side class
 *   that reuses `Webhook`'s declarations) imports nothing from the dynamic door;
 * - the policy pack (provider/policy) imports the lifecycle and @pulumi/policy only: no door, no
 *   client, no Pulumi program-side package, so the engine loads it light and its rules are the
 *   lifecycle's.
 * The checker also runs over small in-memory fixtures, to show that each rule can fail.
 */
import { readFileSync } from "node:fs";
import { posix, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { importSpecifiers, sourceFiles } from "../support/imports";

const ROOT = resolve(__dirname, "../..");
const RECEIVER_PACKAGE = "appwrite-webhooks-receiver";
const ROOT_PACKAGE = "pulumi-appwrite-webhooks";
/** The lifecycle and the client: plain data and HTTP, under both doors. */
const UNDER_THE_DOORS = ["provider/lifecycle/", "provider/appwrite/"];
const DOORS = ["provider/dynamic/", "provider/plugin/"];
/** The plugin's program-side class: it shares `Webhook`'s argument and output declarations. */
const PLUGIN_PROGRAM_SIDE = "provider/plugin/native-webhook.ts";
/** Packages only a door may load: the Pulumi SDK and the gRPC stack. */
const ENGINE_PACKAGES = ["@pulumi", "@grpc", "google-protobuf"];
/** The root package's entries that carry today's receiver API, kept for existing imports. */
const COMPATIBILITY_ENTRIES = [".", "./web", "./fetch", "./hono", "./express", "./fastify"];
const ROOMS = ["provider", "receiver", "emulator"] as const;
/** The policy pack's room, and what it may import: the lifecycle, and the policy SDK. */
const POLICY_ROOM = "provider/policy/";
const POLICY_MAY_IMPORT = ["provider/policy/", "provider/lifecycle/"];
const POLICY_PACKAGES = ["@pulumi/policy"];
type Room = (typeof ROOMS)[number];

/** A source file by its repository-relative path (with "/"), and its text. */
interface SourceFile {
  path: string;
  source: string;
}

interface ImportEdge {
  from: string;
  fromRoom: Room;
  specifier: string;
  /** Repository-relative target of a relative specifier; undefined for a package name. */
  target: string | undefined;
}

function roomOf(path: string): Room | undefined {
  return ROOMS.find((room) => path.startsWith(`${room}/`));
}

/** The package a bare specifier names (`a`, `@scope/a`), or undefined for a relative one. */
function packageName(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/")) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function importEdges(files: readonly SourceFile[]): ImportEdge[] {
  return files.flatMap((file) => {
    const fromRoom = roomOf(file.path);
    if (!fromRoom) return [];
    return importSpecifiers(file.source).map((specifier) => ({
      from: file.path,
      fromRoom,
      specifier,
      target:
        packageName(specifier) === undefined
          ? posix.normalize(posix.join(posix.dirname(file.path), specifier))
          : undefined,
    }));
  });
}

function crossesDoors(from: string, target: string): boolean {
  if (from.startsWith("provider/dynamic/")) return target.startsWith("provider/plugin/");
  if (from.startsWith("provider/plugin/") && from !== PLUGIN_PROGRAM_SIDE) {
    return target.startsWith("provider/dynamic/");
  }
  return false;
}

/** Every import that breaks a rule, as "file <- specifier: rule". */
function ruleViolations(files: readonly SourceFile[]): string[] {
  return importEdges(files).flatMap(({ from, fromRoom, specifier, target }) => {
    const name = packageName(specifier);
    const targetRoom = target === undefined ? undefined : roomOf(target);
    const broken = (rule: string): string[] => [`${from} <- ${specifier}: ${rule}`];
    if (fromRoom === "provider" && targetRoom === "receiver") {
      return broken(`provider/ imports receiver code by its package name, ${RECEIVER_PACKAGE}`);
    }
    if (
      fromRoom === "receiver" &&
      (target === undefined ? name === ROOT_PACKAGE : targetRoom !== "receiver")
    ) {
      return broken("receiver/ imports nothing outside it");
    }
    if (
      fromRoom === "emulator" &&
      (target === undefined ? name === ROOT_PACKAGE || name === RECEIVER_PACKAGE : targetRoom !== "emulator")
    ) {
      return broken("emulator/ imports from neither provider/ nor receiver/");
    }
    if (
      UNDER_THE_DOORS.some((folder) => from.startsWith(folder)) &&
      (target === undefined
        ? ENGINE_PACKAGES.some((engine) => name === engine || name?.startsWith(`${engine}/`))
        : DOORS.some((door) => target.startsWith(door)))
    ) {
      return broken("the lifecycle and the client import nothing from a door, Pulumi or gRPC");
    }
    if (target !== undefined && crossesDoors(from, target)) {
      return broken("neither door imports the other");
    }
    if (
      from.startsWith(POLICY_ROOM) &&
      (target === undefined
        ? !specifier.startsWith("node:") && !POLICY_PACKAGES.includes(name ?? "")
        : !POLICY_MAY_IMPORT.some((folder) => target.startsWith(folder)))
    ) {
      return broken("the policy pack imports the lifecycle and @pulumi/policy only");
    }
    return [];
  });
}

function repositoryFiles(): SourceFile[] {
  return ROOMS.flatMap((room) =>
    sourceFiles(resolve(ROOT, room)).map((file) => ({
      path: relative(ROOT, file).split("\\").join("/"),
      source: readFileSync(file, "utf8"),
    })),
  );
}

describe("the rooms' independence rules", () => {
  const files = repositoryFiles();
  const edges = importEdges(files);

  it("reads the imports of every room", () => {
    for (const room of ROOMS) {
      expect(
        edges.filter((edge) => edge.fromRoom === room).length,
        `imports read in ${room}/`,
      ).toBeGreaterThan(3);
    }
  });

  const violations = ruleViolations(files);
  const ofRoom = (room: Room): string[] => violations.filter((violation) => violation.startsWith(`${room}/`));

  it("provider/ imports no receiver code by path", () => {
    expect(ofRoom("provider")).toEqual([]);
  });

  it("receiver/ imports nothing outside it", () => {
    expect(ofRoom("receiver")).toEqual([]);
  });

  it("emulator/ imports from neither provider/ nor receiver/", () => {
    expect(ofRoom("emulator")).toEqual([]);
  });

  it("the lifecycle and the client import nothing from a door, Pulumi or gRPC", () => {
    expect(
      violations.filter((violation) => UNDER_THE_DOORS.some((folder) => violation.startsWith(folder))),
    ).toEqual([]);
    expect(
      edges.filter((edge) => UNDER_THE_DOORS.some((folder) => edge.from.startsWith(folder))).length,
    ).toBeGreaterThan(3);
  });

  it("neither door imports the other", () => {
    expect(violations.filter((violation) => violation.endsWith("neither door imports the other"))).toEqual(
      [],
    );
    expect(edges.filter((edge) => edge.from.startsWith("provider/plugin/")).length).toBeGreaterThan(3);
  });

  it("the policy pack imports the lifecycle and @pulumi/policy only", () => {
    expect(violations.filter((violation) => violation.startsWith(POLICY_ROOM))).toEqual([]);
    expect(edges.filter((edge) => edge.from.startsWith(POLICY_ROOM)).length).toBeGreaterThan(3);
  });

  it("the root's compatibility re-exports import the receiver package by its name", () => {
    // The root package's entries that serve today's receiver API: its main entry and the
    // receiver subpaths. Each must be provider/ code re-exporting the receiver package.
    const { exports } = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as {
      exports: Record<string, string>;
    };
    const reExports = COMPATIBILITY_ENTRIES.map((entry) => {
      const built = exports[entry] ?? "";
      const source = built.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts");
      const importsReceiverByName = edges.some(
        (edge) => edge.from === source && packageName(edge.specifier) === RECEIVER_PACKAGE,
      );
      return { entry, source, importsReceiverByName };
    });
    expect(reExports).toEqual(
      COMPATIBILITY_ENTRIES.map((entry) => ({
        entry,
        source: expect.stringMatching(/^provider\//) as unknown,
        importsReceiverByName: true,
      })),
    );
  });
});

describe("the independence checker, on fixtures that break each rule", () => {
  const file = (path: string, source: string): SourceFile => ({ path, source });

  it("passes files that keep the rules", () => {
    expect(
      ruleViolations([
        file(
          "provider/index.ts",
          `export { verify } from "${RECEIVER_PACKAGE}"; import "./lifecycle/steps";`,
        ),
        file("provider/lifecycle/events.ts", 'import catalog from "./appwrite-events-1.9.6.json";'),
        file(
          "receiver/src/node/signature.ts",
          'import { createHmac } from "node:crypto"; import "../rules/x";',
        ),
        file("emulator/http/server.ts", 'import { x } from "../state/store"; import "tldts";'),
        file(
          "emulator/index.ts",
          '// import "../provider/index"\nconst text = "require(\'../receiver/src\')";',
        ),
      ]),
    ).toEqual([]);
  });

  it("catches provider/ importing receiver/ by path, in every import form", () => {
    expect(
      ruleViolations([
        file("provider/index.ts", 'export { verify } from "../receiver/src/node/signature";'),
        file("provider/a.ts", 'import type { T } from "../receiver/src/rules/signature-types";'),
        file("provider/dynamic/b.ts", 'const m = await import("../../receiver/src/web-crypto");'),
        file("provider/c.ts", 'const m = require("../receiver/src/node/receiver");'),
        file("provider/d.ts", 'import data from "../receiver/package.json";'),
      ]),
    ).toEqual([
      `provider/index.ts <- ../receiver/src/node/signature: provider/ imports receiver code by its package name, ${RECEIVER_PACKAGE}`,
      `provider/a.ts <- ../receiver/src/rules/signature-types: provider/ imports receiver code by its package name, ${RECEIVER_PACKAGE}`,
      `provider/dynamic/b.ts <- ../../receiver/src/web-crypto: provider/ imports receiver code by its package name, ${RECEIVER_PACKAGE}`,
      `provider/c.ts <- ../receiver/src/node/receiver: provider/ imports receiver code by its package name, ${RECEIVER_PACKAGE}`,
      `provider/d.ts <- ../receiver/package.json: provider/ imports receiver code by its package name, ${RECEIVER_PACKAGE}`,
    ]);
  });

  it("catches receiver/ importing the provider, by path or by the root package's name", () => {
    expect(
      ruleViolations([
        file("receiver/src/node/receiver.ts", 'import { x } from "../../../provider/lifecycle/events";'),
        file("receiver/src/web-crypto.ts", `export * from "${ROOT_PACKAGE}/runtime";`),
        file("receiver/src/adapters/hono.ts", 'import "../../../emulator/index";'),
      ]).map((violation) => violation.split(":")[0]),
    ).toEqual([
      "receiver/src/node/receiver.ts <- ../../../provider/lifecycle/events",
      `receiver/src/web-crypto.ts <- ${ROOT_PACKAGE}/runtime`,
      "receiver/src/adapters/hono.ts <- ../../../emulator/index",
    ]);
  });

  it("catches emulator/ importing provider/ or receiver/: catalog JSON, validator, either package", () => {
    expect(
      ruleViolations([
        file(
          "emulator/delivery/generate-events.ts",
          'import c from "../../provider/lifecycle/appwrite-events-1.9.6.json";',
        ),
        file(
          "emulator/validators/event-validator.ts",
          'export { isValidEvent } from "../../provider/lifecycle/events";',
        ),
        file(
          "emulator/delivery/delivery-signature.ts",
          'const s = require("../../receiver/src/node/signature");',
        ),
        file(
          "emulator/index.ts",
          `const r = await import("${RECEIVER_PACKAGE}/web"); import "${ROOT_PACKAGE}";`,
        ),
        file("emulator/cli.ts", 'import { Webhook } from "../index";'),
      ]).map((violation) => violation.split(":")[0]),
    ).toEqual([
      "emulator/delivery/generate-events.ts <- ../../provider/lifecycle/appwrite-events-1.9.6.json",
      "emulator/validators/event-validator.ts <- ../../provider/lifecycle/events",
      "emulator/delivery/delivery-signature.ts <- ../../receiver/src/node/signature",
      `emulator/index.ts <- ${RECEIVER_PACKAGE}/web`,
      `emulator/index.ts <- ${ROOT_PACKAGE}`,
      "emulator/cli.ts <- ../index",
    ]);
  });

  it("catches the lifecycle or the client importing a door, Pulumi or gRPC", () => {
    expect(
      ruleViolations([
        file("provider/lifecycle/steps.ts", 'import * as pulumi from "@pulumi/pulumi";'),
        file("provider/lifecycle/check.ts", 'import type { Webhook } from "../dynamic/webhook";'),
        file("provider/appwrite/client.ts", 'const grpc = require("@grpc/grpc-js");'),
        file("provider/appwrite/config.ts", 'const s = await import("../plugin/grpc-server");'),
        file("provider/lifecycle/state.ts", 'import "google-protobuf/google/protobuf/struct_pb";'),
        file(
          "provider/dynamic/webhook.ts",
          'import * as pulumi from "@pulumi/pulumi"; import "../lifecycle/steps";',
        ),
      ]).map((violation) => violation.split(":")[0]),
    ).toEqual([
      "provider/lifecycle/steps.ts <- @pulumi/pulumi",
      "provider/lifecycle/check.ts <- ../dynamic/webhook",
      "provider/appwrite/client.ts <- @grpc/grpc-js",
      "provider/appwrite/config.ts <- ../plugin/grpc-server",
      "provider/lifecycle/state.ts <- google-protobuf/google/protobuf/struct_pb",
    ]);
  });

  it("catches the policy pack importing a door, the client or Pulumi's program side", () => {
    expect(
      ruleViolations([
        file("provider/policy/rules.ts", 'import { phpHttpUrl } from "../lifecycle/url-rules";'),
        file(
          "provider/policy/index.ts",
          'import type { Policies } from "@pulumi/policy"; import "node:path";',
        ),
        file("provider/policy/declared.ts", 'import { Webhook } from "../dynamic/webhook";'),
        file("provider/policy/hosts.ts", 'import { request } from "../appwrite/client";'),
        file("provider/policy/pack.ts", 'import * as pulumi from "@pulumi/pulumi"; import { z } from "zod";'),
      ]).map((violation) => violation.split(":")[0]),
    ).toEqual([
      "provider/policy/declared.ts <- ../dynamic/webhook",
      "provider/policy/hosts.ts <- ../appwrite/client",
      "provider/policy/pack.ts <- @pulumi/pulumi",
      "provider/policy/pack.ts <- zod",
    ]);
  });

  it("catches a door importing the other", () => {
    expect(
      ruleViolations([
        file("provider/dynamic/webhook.ts", 'import { PACKAGE_NAME } from "../plugin/type-tokens";'),
        file("provider/plugin/grpc-server.ts", 'import { Webhook } from "../dynamic/webhook";'),
        file("provider/plugin/native-webhook.ts", 'import { webhookProperties } from "../dynamic/webhook";'),
      ]),
    ).toEqual([
      "provider/dynamic/webhook.ts <- ../plugin/type-tokens: neither door imports the other",
      "provider/plugin/grpc-server.ts <- ../dynamic/webhook: neither door imports the other",
    ]);
  });
});
