"use strict";
// Applies a declaration file (GitOps): `e2e:file` names it, relative to this program.
const pulumi = require("@pulumi/pulumi");
const { defineWebhooks } = require("pulumi-appwrite-webhooks");

const webhooks = defineWebhooks(new pulumi.Config("e2e").require("file"));
exports.ids = Object.keys(webhooks);
exports.secrets = pulumi.secret(
  Object.fromEntries(Object.entries(webhooks).map(([id, w]) => [id, w.secret])),
);
