/**
 * An explicit empty `authPassword` (or `authUsername`) is refused with 400, and leaving it out
 * stores "". The expected values are read from Appwrite 1.9.6's source:
 * - src/Appwrite/Platform/Modules/Webhooks/Http/Webhooks/Create.php line 72 and Update.php
 *   line 69: `->param('authPassword', '', new PasswordFormat(new Text(256)), …, true)`;
 *   lines 71 and 68 declare authUsername with `new Text(256)`. PasswordFormat
 *   (src/Appwrite/SDK/Specification/Validator/PasswordFormat.php) only delegates to Text;
 * - utopia-php/validators 0.2.6 src/Validator/Text.php line 45: `__construct(int $length,
 *   int $min = 1, …)`, so the minimum is 1, and line 120 refuses `mb_strlen($value) < $min`;
 *   its getDescription() gives the message below;
 * - utopia-php/http 2.0.0-rc9 src/Http/Http.php lines 744-745: a parameter present in the
 *   request is validated even when optional (only an absent one takes the default), and
 *   lines 894-895 word the 400.
 * It runs against a real Appwrite too when APPWRITE_* is set.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { body, call, Cleanup, createWebhook, errorOf, webhookBody } from "./http";
import { startTarget, testId, type Target } from "./target";

const TEXT_256 = "Value must be a valid string and at least 1 chars and no longer than 256 chars";

let target: Target;
const cleanup = new Cleanup();

beforeAll(async () => {
  target = await startTarget();
});
afterEach(() => cleanup.run());
afterAll(() => target.close());

describe('authPassword: ""', () => {
  it.each(["authPassword", "authUsername"])("is refused by create when %s is sent empty", async (field) => {
    const id = testId("emptypw");
    const response = await call(target, "POST", "/webhooks", {
      body: webhookBody(id, { authUsername: "user", authPassword: "pass", [field]: "" }),
    });
    if (response.status === 201) cleanup.track(target, id);
    expect(errorOf(response)).toMatchObject({
      status: 400,
      type: "general_argument_invalid",
      message: `Invalid \`${field}\` param: ${TEXT_256}`,
    });
  });

  it.each(["authPassword", "authUsername"])("is refused by update when %s is sent empty", async (field) => {
    const id = testId("emptypw-up");
    await createWebhook(target, cleanup, id, { authUsername: "user", authPassword: "pass" });
    const { webhookId: _omit, ...update } = webhookBody(id, { authUsername: "user", authPassword: "pass" });
    const response = await call(target, "PUT", `/webhooks/${id}`, { body: { ...update, [field]: "" } });
    expect(errorOf(response)).toMatchObject({
      status: 400,
      type: "general_argument_invalid",
      message: `Invalid \`${field}\` param: ${TEXT_256}`,
    });
  });

  it("is what an omitted password becomes: the default '' without validation", async () => {
    const created = await createWebhook(target, cleanup, testId("nopw"));
    expect(created).toMatchObject({ authUsername: "", authPassword: "" });
    const response = await call(target, "GET", `/webhooks/${String(created["$id"])}`);
    expect(body(response)).toMatchObject({ authUsername: "", authPassword: "" });
  });
});
