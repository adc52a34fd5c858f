/**
 * Fault injection: the next N requests matching a method, path and project misbehave in a chosen way,
 * so clients can be tested against latency, error statuses (with Retry-After), connections
 * reset before an answer, and the nastiest case for an idempotency-minded client: the write
 * happened but the answer never arrived (commit-then-drop).
 */
import type { FaultSpec } from "../types";

/** JSON form of a fault (control API): `pathRegex` stands in for a RegExp `path`. */
export type FaultWire = Omit<FaultSpec, "path"> & {
  path?: string;
  pathRegex?: string;
  pathRegexFlags?: string;
};

interface ActiveFault {
  readonly id: number;
  readonly spec: FaultSpec;
  remaining: number;
}

export class FaultRegistry {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): number {
    validateFault(spec);
    const count = spec.count === undefined || spec.count === null ? Infinity : spec.count;
    const id = this.nextId++;
    this.faults.push({ id, spec, remaining: count });
    return id;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first active fault matching the request; consumes one of its uses. */
  take(method: string, path: string, projectId: string): FaultSpec | undefined {
    for (const fault of this.faults) {
      const { spec } = fault;
      if (spec.method !== undefined && spec.method.toUpperCase() !== method) continue;
      if (spec.projectId !== undefined && spec.projectId !== projectId) continue;
      if (
        spec.path instanceof RegExp
          ? !spec.path.test(path)
          : spec.path !== undefined && !path.startsWith(spec.path)
      ) {
        continue;
      }
      fault.remaining--;
      if (fault.remaining <= 0) this.faults = this.faults.filter((other) => other !== fault);
      return spec;
    }
    return undefined;
  }

  active(): Array<{ id: number; remaining: number | null; spec: FaultWire }> {
    return this.faults.map((fault) => ({
      id: fault.id,
      remaining: Number.isFinite(fault.remaining) ? fault.remaining : null,
      spec: faultToWire(fault.spec),
    }));
  }
}

function validateFault(spec: FaultSpec): void {
  if (spec.projectId !== undefined && (typeof spec.projectId !== "string" || spec.projectId === ""))
    throw new Error("projectId must be a non-empty string");
  if (spec.count !== undefined && spec.count !== null && !(spec.count > 0))
    throw new Error("count must be positive");
  switch (spec.kind) {
    case "latency":
      if (!(spec.latencyMs >= 0)) throw new Error("latency faults need latencyMs >= 0");
      return;
    case "status":
      if (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599) {
        throw new Error("status faults need an HTTP status between 100 and 599");
      }
      return;
    case "reset":
    case "commit-then-drop":
      return;
    default:
      throw new Error(`Unknown fault kind ${(spec as { kind: unknown }).kind as string}`);
  }
}

export function faultToWire(spec: FaultSpec): FaultWire {
  const { path, count, ...rest } = spec;
  const wire: FaultWire = { ...rest } as FaultWire;
  if (count !== undefined && count !== null && Number.isFinite(count)) wire.count = count;
  if (path instanceof RegExp) {
    wire.pathRegex = path.source;
    wire.pathRegexFlags = path.flags;
  } else if (path !== undefined) {
    wire.path = path;
  }
  return wire;
}

export function faultFromWire(wire: FaultWire): FaultSpec {
  const { pathRegex, pathRegexFlags, path, ...rest } = wire;
  const spec = { ...rest } as FaultSpec;
  if (pathRegex !== undefined) spec.path = new RegExp(pathRegex, pathRegexFlags);
  else if (path !== undefined) spec.path = path;
  return spec;
}

/** The Appwrite error type a status fault reports when the caller did not choose one. */
export function defaultFaultType(status: number): string {
  if (status === 429) return "general_rate_limit_exceeded";
  if (status >= 500) return "general_unknown";
  if (status === 404) return "general_route_not_found";
  if (status === 401) return "general_unauthorized_scope";
  return "general_argument_invalid";
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
