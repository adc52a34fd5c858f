// Command pulumi-sdkgen writes the Python and Go SDKs of a Pulumi package from its schema, with
// Pulumi's own code generators (pkg/codegen/{python,go}) at the CLI's pinned version. It is glue
// only: it binds the schema, calls each generator and writes the files it returns, removing what
// a previous run wrote, so that the output directory is exactly what the generator produced.
//
// Usage: pulumi-sdkgen <schema.json> <out dir>
//
// writes <out dir>/python and <out dir>/go. .NET is tools/pulumi-sdkgen-dotnet: the CLI's pkg/v3 no
// longer holds the .NET generator, which moved to github.com/pulumi/pulumi-dotnet.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// The name the generators write into each file's "do not edit" banner.
const tool = "pulumi-sdkgen"

// noReferencesLoader refuses every lookup: the package references no other package, and a
// schema that starts to would fail here loudly instead of reaching for plugins or the network.
type noReferencesLoader struct{}

var errNoReferences = errors.New("pulumi-sdkgen: the schema references another package, which this tool does not load")

func (noReferencesLoader) LoadPackage(string, *semver.Version) (*schema.Package, error) {
	return nil, errNoReferences
}

func (noReferencesLoader) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNoReferences
}

func (noReferencesLoader) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errNoReferences
}

func (noReferencesLoader) LoadPackageReferenceV2(
	context.Context, *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, errNoReferences
}

// bind reads and validates the schema afresh: each generator records its language info on the
// package it is given, so every language gets its own bound package.
func bind(schemaPath string) (*schema.Package, error) {
	text, err := os.ReadFile(schemaPath)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noReferencesLoader{}, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", schemaPath, err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", schemaPath, diags.Error())
	}
	return pkg, nil
}

// write replaces dir with exactly files (relative slash paths), so a file the generator no longer
// writes does not linger.
func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if filepath.IsAbs(name) || strings.HasPrefix(filepath.Clean(name), "..") {
			return fmt.Errorf("generator returned a path outside its folder: %s", name)
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func run(schemaPath, outDir string) error {
	generators := []struct {
		language string
		generate func(*schema.Package) (map[string][]byte, error)
	}{
		{"python", func(pkg *schema.Package) (map[string][]byte, error) {
			return python.GeneratePackage(tool, pkg, nil, noReferencesLoader{})
		}},
		{"go", func(pkg *schema.Package) (map[string][]byte, error) {
			return gogen.GeneratePackage(tool, pkg, nil)
		}},
	}
	for _, generator := range generators {
		pkg, err := bind(schemaPath)
		if err != nil {
			return err
		}
		files, err := generator.generate(pkg)
		if err != nil {
			return fmt.Errorf("%s SDK: %w", generator.language, err)
		}
		if err := write(filepath.Join(outDir, generator.language), files); err != nil {
			return fmt.Errorf("%s SDK: %w", generator.language, err)
		}
	}
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-sdkgen <schema.json> <out dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
