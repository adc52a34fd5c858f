/**
 * Which lifecycle serves each resource type of the plugin: the webhook's
 * (../lifecycle/stored-outputs) or the set's (../lifecycle/webhook-set/stored), both as the
 * engine stores them. A table, no rule: the server (./grpc-server) looks the type up and calls
 * the step, and every decision stays in the lifecycle. Both load zod only in their first check.
 */
import type { CheckResult, ResourceIdentity } from "../lifecycle/check";
import type { DiffResult } from "../lifecycle/diff";
import * as webhook from "../lifecycle/stored-outputs";
import * as set from "../lifecycle/webhook-set/stored";
import { PACKAGE_NAME, WEBHOOK_SET_TOKEN, WEBHOOK_TOKEN } from "./type-tokens";

type Raw = Record<string, unknown>;

/** One resource type's steps on the plain data the wire carries (./grpc-values). */
export interface ResourceLifecycle {
  check(olds: Raw, news: Raw, resource: ResourceIdentity): Promise<CheckResult>;
  diff(id: string, olds: Raw, news: Raw): Promise<DiffResult>;
  create(inputs: Raw): Promise<{ id: string; outs: object }>;
  read(id: string, props: Raw): Promise<{ id: string; props?: object; inputs?: object }>;
  update(id: string, olds: Raw, news: Raw): Promise<{ outs: object }>;
  remove(id: string, props: Raw): Promise<void>;
  /** Create's and update's outputs during a preview: predicted, never a request. */
  previewCreate(inputs: Raw): { id: string; outs: object };
  previewUpdate(olds: Raw, news: Raw): { outs: object };
}

/**
 * The lifecycle's functions take typed state and inputs; the wire holds what they returned
 * before (state) or what their check returned (inputs), so these casts restate, not convert.
 */
function asResource<State, Inputs>(steps: {
  check(olds: Raw, news: Raw, resource?: ResourceIdentity): Promise<CheckResult>;
  diff(id: string, olds: State, news: Inputs): Promise<DiffResult>;
  create(inputs: Inputs & Raw): Promise<{ id: string; outs: object }>;
  read(id: string, props: State): Promise<{ id: string; props?: object; inputs?: object }>;
  update(id: string, olds: State, news: Inputs & Raw): Promise<{ outs: object }>;
  remove(id: string, props: State): Promise<void>;
  previewCreate(inputs: Inputs & Raw): { id: string; outs: object };
  previewUpdate(olds: State, news: Inputs & Raw): { outs: object };
}): ResourceLifecycle {
  return steps as unknown as ResourceLifecycle;
}

const LIFECYCLES: Record<string, ResourceLifecycle> = {
  [WEBHOOK_TOKEN]: asResource(webhook),
  [WEBHOOK_SET_TOKEN]: asResource(set),
};

/** The type token in a URN (`urn:pulumi:stack::project::[parent$]type::name`), or a bare token. */
export function typeOf(urnOrType: string): string {
  const type = urnOrType.includes("::") ? (urnOrType.split("::")[2] ?? "") : urnOrType;
  return type.split("$").pop() ?? "";
}

/** The lifecycle of the resource a URN names; a type the plugin does not provide fails the call. */
export function lifecycleOf(urn: string): ResourceLifecycle {
  const type = typeOf(urn);
  const found = LIFECYCLES[type];
  if (!found) {
    throw new Error(
      `${PACKAGE_NAME} has no resource type ${type}; it provides ${Object.keys(LIFECYCLES).join(" and ")}`,
    );
  }
  return found;
}
