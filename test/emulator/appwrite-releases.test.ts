/**
 * The emulator speaks two Appwrite releases: 1.9.6 (the default) and `next`, Appwrite's main
 * branch at the commit emulator/appwrite-config/releases.json names. What differs is checked here
 * against values made outside this repository: the signatures with openssl, the events and the
 * error text from Appwrite's source (releases.json names the files and commits).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type AppwriteRelease, type Emulator } from "../../emulator";
import { body, call, type Json } from "./http";
import { startReceiver, type Receiver } from "./receiver";
import type { Target } from "./target";

/**
 * Computed in a shell, independently of any code in this repository, over the URL as stored
 * (`next`) and over rawurldecode(url) (1.9.6):
 *   printf '%s' 'https://hooks.example.com/hook%20path?x=1{"$id":"u1","name":"Zo\u00eb","path":"a\/b"}' \
 *     | openssl dgst -sha1 -hmac 'contract-vector-secret' -binary | base64
 *   printf '%s' 'https://hooks.example.com/hook path?x=1{"$id":"u1","name":"Zo\u00eb","path":"a\/b"}' \
 *     | openssl dgst -sha1 -hmac 'contract-vector-secret' -binary | base64
 */
const VECTOR = {
  url: "https://hooks.example.com/hook%20path?x=1",
  secret: "contract-vector-secret",
  payload: { $id: "u1", name: "Zoë", path: "a/b" },
  signatures: { next: "xLTO9VGDVURuN81S6WJ+g2T9ZDc=", "1.9.6": "pLopURVAF/Zh6Q78URZdEADMzTU=" },
};

/** The events main added (app/config/events.php at the `next` commit), which 1.9.6 refuses. */
const EVENTS_NEW_IN_NEXT = [
  "tablesdb.*",
  "tablesdb.*.tables.*.rows.*.create",
  "documentsdb.*",
  "vectorsdb.*",
  "users.*.update.phone",
  "users.*.update.mfa",
  "users.*.update.labels",
  "users.*.update.verification",
  "users.*.update.impersonator",
];

/** Appwrite's message for a refused `events` item (ArrayList over the Event validator). */
const INVALID_EVENTS =
  "Invalid `events` param: Value must a valid array no longer than 100 items and Event is not valid.";

const PROJECT = "releases";
const KEY = "releases-key";

function targetOf(emulator: Emulator): Target {
  const close = async (): Promise<void> => undefined;
  return {
    kind: "emulator",
    endpoint: emulator.endpoint,
    projectId: PROJECT,
    apiKey: KEY,
    hostname: "127.0.0.1",
    close,
  };
}

describe.each(["1.9.6", "next"] as const)(
  "the emulator speaking Appwrite %s",
  (appwrite: AppwriteRelease) => {
    let emulator: Emulator;
    let target: Target;
    let receiver: Receiver;
    let ids = 0;

    beforeAll(async () => {
      emulator = await startEmulator({ appwrite, projects: [{ id: PROJECT, keys: [{ key: KEY }] }] });
      receiver = await startReceiver();
      emulator.setHostRoutes({ "hooks.example.com": receiver.origin });
      target = targetOf(emulator);
    });
    afterAll(async () => {
      await receiver.close();
      await emulator.close();
    });

    const create = (fields: Json) =>
      call(target, "POST", "/webhooks", {
        body: {
          webhookId: `w${++ids}`,
          name: "release check",
          url: "https://hooks.example.com/h",
          ...fields,
        },
      });

    it("signs a %XX URL the way that release does", async () => {
      const created = await create({ url: VECTOR.url, secret: VECTOR.secret, events: ["users.*"] });
      expect(created.status, created.text).toBe(201);
      const [record] = await emulator.emit({
        projectId: PROJECT,
        event: "users.u1.create",
        payload: VECTOR.payload,
      });
      expect(record).toMatchObject({ status: 200, success: true });
      expect(receiver.received.at(-1)?.headers["x-appwrite-webhook-signature"]).toBe(
        VECTOR.signatures[appwrite],
      );
    });

    it(`${appwrite === "next" ? "accepts" : "refuses"} the events main added`, async () => {
      for (const event of EVENTS_NEW_IN_NEXT) {
        const response = await create({ events: [event] });
        if (appwrite === "next") {
          expect(response.status, `${event}: ${response.text}`).toBe(201);
          expect(body(response)["events"]).toEqual([event]);
        } else {
          expect(response.status, event).toBe(400);
          expect(body(response)).toMatchObject({ type: "general_argument_invalid", message: INVALID_EVENTS });
        }
      }
    });

    it("accepts 1.9.6's events and refuses what neither release knows", async () => {
      expect((await create({ events: ["users.*.update.email", "databases.*.tables.*.rows.*"] })).status).toBe(
        201,
      );
      for (const event of ["tablesdb.*.update.phone", "vectorsdb", "users.*.update.avatar"]) {
        expect((await create({ events: [event] })).status, event).toBe(400);
      }
    });

    it(`labels a transport failure "${appwrite === "next" ? "Client" : "CURL"} Error" in the webhook's logs`, async () => {
      const url = "https://dead.example.net/hook";
      const created = await create({ url, events: ["teams.*.create"] });
      expect(created.status, created.text).toBe(201);
      await emulator.emit({ projectId: PROJECT, event: "teams.t1.create", payload: { $id: "t1" } });
      // Webhooks.php: 'CURL Error: ' at 1.9.6; 'Client Error: ' on main since #13204.
      const label = appwrite === "next" ? "Client Error" : "CURL Error";
      const logs = emulator.webhooks(PROJECT).find((webhook) => webhook.url === url)?.logs;
      expect(logs).toBe(
        `URL: ${url}\nMethod: POST\n${label}: Could not resolve host: dead.example.net\nEvents: teams.t1.create, teams.*.create, teams.t1, teams.*\n`,
      );
    });
  },
);

describe("choosing the release", () => {
  it("speaks 1.9.6 unless told otherwise, and refuses an unknown release by name", async () => {
    const emulator = await startEmulator({ projects: [{ id: PROJECT, keys: [{ key: KEY }] }] });
    try {
      const response = await call(targetOf(emulator), "POST", "/webhooks", {
        body: { webhookId: "w", name: "n", url: "https://hooks.example.com/h", events: ["tablesdb.*"] },
      });
      expect(response.status).toBe(400);
    } finally {
      await emulator.close();
    }
    await expect(startEmulator({ appwrite: "1.10" as AppwriteRelease })).rejects.toThrow(
      'appwrite must be one of "1.9.6", "next", got "1.10"',
    );
  });
});
