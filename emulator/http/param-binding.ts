/**
 * utopia-php/http's parameter binding (`Http::getArguments` and `validate`): route path
 * values win over request values; a missing required parameter fails with
 * `Param "x" is not optional.`; a present value that fails its validator fails with
 * ``Invalid `x` param: <description>``; an optional parameter sent as null is not validated.
 * Parameters are checked in declaration order and the first failure wins.
 */
import { AppwriteError } from "./appwrite-errors";
import type { Validator } from "../validators/validator";

export interface ParamDef {
  readonly name: string;
  readonly optional: boolean;
  /** Used when the parameter is absent. */
  readonly default: unknown;
  readonly validator: Validator;
}

export type Arguments = Readonly<Record<string, unknown>>;

export function resolveArguments(
  defs: readonly ParamDef[],
  pathValues: Readonly<Record<string, string>>,
  requestParams: Readonly<Record<string, unknown>>,
): Arguments {
  const args: Record<string, unknown> = {};
  for (const def of defs) {
    const inPath = Object.hasOwn(pathValues, def.name);
    const inRequest = Object.hasOwn(requestParams, def.name);
    const value = inPath ? pathValues[def.name] : inRequest ? requestParams[def.name] : def.default;
    if (!inPath && !inRequest && !def.optional) {
      throw new AppwriteError("general_argument_invalid", `Param "${def.name}" is not optional.`);
    }
    if ((inPath || inRequest) && !(def.optional && value === null) && !def.validator.isValid(value)) {
      throw new AppwriteError(
        "general_argument_invalid",
        `Invalid \`${def.name}\` param: ${def.validator.description}`,
      );
    }
    args[def.name] = value;
  }
  return args;
}

/**
 * The action signatures are typed (`string $name`, `bool $enabled`), so a value that got past
 * validation as null (an optional parameter sent as JSON null) makes PHP throw a TypeError,
 * which Appwrite answers with 500 general_unknown. These accessors reproduce that.
 */
export function stringArg(args: Arguments, name: string): string {
  const value = args[name];
  if (typeof value !== "string") throw new TypeError(`${name} must be of type string`);
  return value;
}

export function boolArg(args: Arguments, name: string): boolean {
  const value = args[name];
  if (typeof value !== "boolean") throw new TypeError(`${name} must be of type bool`);
  return value;
}

export function nullableStringArg(args: Arguments, name: string): string | null {
  const value = args[name];
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") throw new TypeError(`${name} must be of type ?string`);
  return value;
}
