// Appwrite 1.9.6+ webhooks with secret signing keys, rotation and event validation (the resource provider plugin of pulumi-appwrite-webhooks).
package appwritewebhooks
