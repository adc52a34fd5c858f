/**
 * GET /v1/health/version (src/Appwrite/Platform/Modules/Health/Http/Health/Version/Get.php):
 * scope `public`, so guests of any existing project and of the console may call it; the
 * Health Version model has the one rule `version`, APP_VERSION_STABLE (app/init/constants.php
 * line 54). appwrite-cli 12.0.1 calls it, as the console project and without a key, before it
 * accepts an endpoint (`appwrite client --endpoint …`, lib/commands/generic.js).
 *
 * A project key does not carry `public`: the keys role has only global, health.read and
 * graphql (app/config/roles.php), so Appwrite answers a keyed call 401, and so does this.
 */
import { APPWRITE_VERSION } from "../http/appwrite-errors";
import type { ApiResponse } from "../http/http-io";
import { modelResponse } from "./route";

/** A route outside the webhooks module: no parameters, no project document needed. */
export interface PublicRoute {
  readonly method: "GET";
  readonly path: string;
  readonly counterKey: string;
  readonly scope: "public";
  action(): ApiResponse;
}

export const healthVersion: PublicRoute = {
  method: "GET",
  path: "/v1/health/version",
  counterKey: "GET /v1/health/version",
  scope: "public",
  action: () => modelResponse(200, { version: APPWRITE_VERSION }),
};

const PUBLIC_ROUTES = new Map([[`${healthVersion.method} ${healthVersion.path}`, healthVersion]]);

export function matchPublicRoute(method: string, path: string): PublicRoute | undefined {
  return PUBLIC_ROUTES.get(`${method} ${path}`);
}
