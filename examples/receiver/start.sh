#!/usr/bin/env bash
# Starts the receiver with the Webhook's outputs of the current stack (from the repository root).
set -euo pipefail
WEBHOOK_URL=https://hooks.example.com/appwrite \
WEBHOOK_SECRET="$(pulumi stack output secret --show-secrets)" \
WEBHOOK_PREVIOUS_SECRET="$(pulumi stack output previousSecret --show-secrets 2>/dev/null || true)" \
WEBHOOK_SECRET_ROTATED_AT="$(pulumi stack output secretRotatedAt 2>/dev/null || true)" \
PORT="${PORT:-8080}" npx tsx examples/receiver/index.ts
