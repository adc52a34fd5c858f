"use strict";
// Runs for two minutes and declares nothing: the test kills the engine while it runs.
module.exports = new Promise((resolve) => setTimeout(() => resolve({}), 120_000));
