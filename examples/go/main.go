// An Appwrite webhook from a Pulumi Go program, through the appwrite-webhooks provider plugin and
// the Go SDK in sdk/go. Connection: as for every language, `pulumi config set
// appwrite-webhooks:endpoint …`, `appwrite-webhooks:projectId …` and
// `pulumi config set --secret appwrite-webhooks:apiKey …`.
package main

import (
	"github.com/pulumi-appwrite-webhooks/pulumi-appwrite-webhooks/sdk/go/appwritewebhooks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		orders, err := appwritewebhooks.NewWebhook(ctx, "orders", &appwritewebhooks.WebhookArgs{
			Name:   pulumi.String("Orders"),
			Url:    pulumi.String("https://hooks.example.com/appwrite"),
			Events: pulumi.ToStringArray([]string{"databases.*.collections.*.documents.*.create", "users.*.create"}),
		})
		if err != nil {
			return err
		}
		ctx.Export("webhookId", orders.WebhookId)
		ctx.Export("signingKey", orders.Secret)
		return nil
	})
}
