//go:build tools

// Package tools pins the Pulumi YAML language host
// (github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml) in this module's go.mod/go.sum so
// that scripts/setup-pulumi.sh can build it from the Go module proxy. It is a module of its
// own so that its dependency graph never moves the CLI's pins in tools/pulumi.
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
