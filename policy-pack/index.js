"use strict";
// The engine's policy runner loads this folder (see PulumiPolicy.yaml); the pack is built from
// provider/policy/pack.ts with the rest of the package.
require("../dist/provider/policy/pack.js");
