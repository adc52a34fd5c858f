//go:build tools

// Package tools pins the Pulumi CLI (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) in this
// module's go.mod/go.sum so that scripts/setup-pulumi.sh can build it from the Go module
// proxy. The Node.js language host is built from ./pulumi-language-nodejs in this module.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
