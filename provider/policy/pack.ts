/**
 * The `appwrite-webhooks` policy pack as the engine runs it: the package's `policy-pack/` folder
 * (PulumiPolicy.yaml) loads this module, which serves the pack's policies. Only the engine's
 * policy runner should load it: constructing a PolicyPack starts its gRPC server.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, webhookPolicies } from "./index";

new PolicyPack(POLICY_PACK_NAME, { policies: webhookPolicies });
