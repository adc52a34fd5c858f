// Command pulumi-sdkgen-dotnet writes the .NET SDK of a Pulumi package from its schema, with
// Pulumi's own .NET code generator (pkg/codegen/dotnet). It is glue only, like
// tools/pulumi-sdkgen: it binds the schema, calls the generator and writes the files it returns,
// removing what a previous run wrote, so that the output directory is exactly what the generator
// produced.
//
// It is a module of its own because of the version: pkg/v3 v3.206.0, the version the Pulumi YAML
// language host (tools/pulumi-yaml) is built with, is one of the last that still holds
// codegen/dotnet; later versions moved it to github.com/pulumi/pulumi-dotnet, which the Go module
// proxy does not serve. One Go module cannot require two versions of pkg/v3.
//
// The generator downloads the package logo from the schema's logoUrl over HTTP. This tool serves
// that one URL from a local copy of the file and refuses every other request, so that generation
// works offline and its output does not depend on the network.
//
// Usage: pulumi-sdkgen-dotnet <schema.json> <logo file> <out dir>
//
// writes <out dir>/dotnet.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/dotnet"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// The name the generator writes into each file's "do not edit" banner.
const tool = "pulumi-sdkgen-dotnet"

// noReferencesLoader refuses every lookup: the package references no other package, and a
// schema that starts to would fail here loudly instead of reaching for plugins or the network.
type noReferencesLoader struct{}

var errNoReferences = errors.New("pulumi-sdkgen-dotnet: the schema references another package, which this tool does not load")

func (noReferencesLoader) LoadPackage(string, *semver.Version) (*schema.Package, error) {
	return nil, errNoReferences
}

func (noReferencesLoader) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errNoReferences
}

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

// logoOnlyTransport answers a GET of the logo URL with the local logo and fails every other
// request, naming it.
type logoOnlyTransport struct {
	url  string
	logo []byte
}

func (t logoOnlyTransport) RoundTrip(request *http.Request) (*http.Response, error) {
	if request.Method != http.MethodGet || request.URL.String() != t.url {
		return nil, fmt.Errorf("pulumi-sdkgen-dotnet works offline: the generator asked for %s %s", request.Method, request.URL)
	}
	return &http.Response{
		Status:        "200 OK",
		StatusCode:    http.StatusOK,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": []string{"image/png"}},
		Body:          io.NopCloser(bytes.NewReader(t.logo)),
		ContentLength: int64(len(t.logo)),
		Request:       request,
	}, nil
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

func run(schemaPath, logoPath, outDir string) error {
	pkg, err := bind(schemaPath)
	if err != nil {
		return err
	}
	if pkg.LogoURL == "" {
		// Without a logoUrl the generator downloads Pulumi's own logo into the package.
		return fmt.Errorf("%s: the schema has no logoUrl", schemaPath)
	}
	logo, err := os.ReadFile(logoPath)
	if err != nil {
		return err
	}
	http.DefaultTransport = logoOnlyTransport{url: pkg.LogoURL, logo: logo}

	files, err := dotnet.GeneratePackage(tool, pkg, nil, nil)
	if err != nil {
		return fmt.Errorf("dotnet SDK: %w", err)
	}
	if err := write(filepath.Join(outDir, "dotnet"), files); err != nil {
		return fmt.Errorf("dotnet SDK: %w", err)
	}
	return nil
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-sdkgen-dotnet <schema.json> <logo file> <out dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
