/**
 * Matches a request to one of the six endpoints, by canonical path or by its legacy
 * `/v1/projects/:projectId/...` alias. Matching is on path segments, so a lookup costs a few
 * string comparisons whatever the number of webhooks.
 */
import { createWebhook } from "../routes/create-webhook";
import { deleteWebhook } from "../routes/delete-webhook";
import { getWebhook } from "../routes/get-webhook";
import { listWebhooks } from "../routes/list-webhooks";
import type { RouteDefinition } from "../routes/route";
import { updateWebhook } from "../routes/update-webhook";
import { updateWebhookSecret } from "../routes/update-webhook-secret";

export const ROUTES: readonly RouteDefinition[] = [
  createWebhook,
  listWebhooks,
  getWebhook,
  deleteWebhook,
  updateWebhook,
  updateWebhookSecret,
];

export interface RouteMatch {
  route: RouteDefinition;
  /** Values of `:name` segments other than projectId. */
  pathValues: Record<string, string>;
  /** Set when the legacy alias matched. */
  legacyProjectId: string | undefined;
}

interface CompiledTemplate {
  route: RouteDefinition;
  segments: string[];
  legacy: boolean;
}

const TEMPLATES: CompiledTemplate[] = ROUTES.flatMap((route) => [
  { route, segments: route.path.split("/"), legacy: false },
  { route, segments: route.alias.split("/"), legacy: true },
]);

export function matchRoute(method: string, path: string): RouteMatch | undefined {
  const segments = path.split("/");
  for (const template of TEMPLATES) {
    if (template.route.method !== method || template.segments.length !== segments.length) continue;
    const pathValues: Record<string, string> = {};
    let legacyProjectId: string | undefined;
    let ok = true;
    for (let i = 0; i < segments.length && ok; i++) {
      const expected = template.segments[i] as string;
      const actual = segments[i] as string;
      if (expected.startsWith(":")) {
        if (actual === "") ok = false;
        else if (expected === ":projectId") legacyProjectId = actual;
        else pathValues[expected.slice(1)] = actual;
      } else if (expected !== actual) {
        ok = false;
      }
    }
    if (ok)
      return {
        route: template.route,
        pathValues,
        legacyProjectId: template.legacy ? legacyProjectId : undefined,
      };
  }
  return undefined;
}
