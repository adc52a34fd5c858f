"""An Appwrite webhook from a Pulumi Python program, through the appwrite-webhooks provider plugin
and the Python SDK in sdk/python. Connection: as for every language, `pulumi config set
appwrite-webhooks:endpoint ...`, `appwrite-webhooks:projectId ...` and
`pulumi config set --secret appwrite-webhooks:apiKey ...`."""

import pulumi
import pulumi_appwrite_webhooks as appwrite_webhooks

orders = appwrite_webhooks.Webhook(
    "orders",
    name="Orders",
    url="https://hooks.example.com/appwrite",
    events=["databases.*.collections.*.documents.*.create", "users.*.create"],
)

pulumi.export("webhookId", orders.webhook_id)
pulumi.export("signingKey", orders.secret)
