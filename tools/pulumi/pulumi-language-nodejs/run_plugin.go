package main

// RunPlugin: how the engine starts a Node.js policy pack.
//
// Why it exists: `pulumi preview --policy-pack DIR` reads DIR/PulumiPolicy.yaml, sees
// `runtime: nodejs` and asks this host to run the pack (RunPlugin, kind "analyzer"); the
// engine no longer looks for the old `pulumi-analyzer-policy` shim script. Without this RPC
// the preview fails with "method RunPlugin not implemented".
//
// What the engine expects, as its plugin loader and Pulumi's own Node host define it:
//   - the pack runs through the SDK's `@pulumi/pulumi/cmd/run-policy-pack` launcher, resolved
//     from the pack's directory (so the pack's own @pulumi/pulumi is used), with the engine's
//     arguments (its address) first and the pack's directory last, in the pack's directory;
//   - the first line of stdout is the port of an Analyzer gRPC server;
//   - stdout and stderr travel back as RunPluginResponse messages, and the stream ends with
//     the exit code.
//
// The policy SDK (@pulumi/policy) reads the stack's name, project and configuration from the
// environment, but the engine sends them only over gRPC (ConfigureStack), after the plugin has
// announced its port. The SDK's PolicyProxy bridges the two: it announces its own port, takes
// ConfigureStack, and only then is the pack started with that environment and attached behind
// the proxy. This is the same arrangement Pulumi's own Node host uses.
//
// Scope: only policy packs (kind "analyzer"). Resource, converter and tool plugins written in
// Node.js are refused with a message rather than run half-supported.

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// policyPackLauncher is the SDK module that loads a policy pack and serves it.
const policyPackLauncher = "@pulumi/pulumi/cmd/run-policy-pack"

func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() != string(apitype.AnalyzerPlugin) {
		return status.Errorf(codes.Unimplemented,
			"pulumi-language-nodejs (project build) runs Node.js policy packs only, not %q plugins", req.GetKind())
	}
	ctx := server.Context()
	packDir := req.GetInfo().GetProgramDirectory()
	if packDir == "" {
		return errors.New("RunPlugin: the engine sent no policy pack directory")
	}

	node, err := exec.LookPath("node")
	if err != nil {
		return errors.New("could not find node on the $PATH")
	}
	launcher, err := resolveFrom(ctx, node, packDir, policyPackLauncher)
	if err != nil {
		// The engine turns this message into "try running npm install" for the pack.
		return fmt.Errorf("Cannot find module '%s' from %s: is @pulumi/pulumi installed for the policy pack?",
			policyPackLauncher, packDir)
	}

	// Output is not a terminal: the engine prints each line as a diagnostic.
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	proxy, packStdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return fmt.Errorf("could not start the policy pack proxy: %w", err)
	}
	stackConfig, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("waiting for the stack configuration: %w", err)
	}

	env := append([]string{}, req.GetEnv()...)
	if stackConfig != nil {
		setEnv := func(key, value string) {
			if value != "" {
				env = append(env, key+"="+value)
			}
		}
		setEnv("PULUMI_NODEJS_ORGANIZATION", stackConfig.GetOrganization())
		setEnv("PULUMI_NODEJS_PROJECT", stackConfig.GetProject())
		setEnv("PULUMI_NODEJS_STACK", stackConfig.GetStack())
		setEnv("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stackConfig.GetDryRun()))
		if cfg := stackConfig.GetConfig(); cfg != nil {
			configJSON, err := json.Marshal(cfg)
			if err != nil {
				return fmt.Errorf("encoding the stack configuration: %w", err)
			}
			setEnv("PULUMI_CONFIG", string(configJSON))
		}
	}

	var args []string
	if opts := req.GetInfo().GetOptions(); opts != nil {
		if s, ok := opts.GetFields()["nodeargs"].AsInterface().(string); ok {
			args = append(args, strings.Fields(s)...)
		}
	}
	args = append(args, launcher)
	args = append(args, req.GetArgs()...)
	args = append(args, packDir)

	cmd := exec.CommandContext(ctx, node, args...)
	// Packs have always run in their own directory: @pulumi/policy reads ./package.json there.
	cmd.Dir = packDir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = packStdout, stderr
	if err := cmd.Start(); err != nil {
		proxy.Abort(err)
		return fmt.Errorf("could not start node for the policy pack: %w", err)
	}
	h.track(cmd)
	defer h.untrack(cmd)

	// Attach reads the pack's port, forwards the stack configuration, serves the engine's calls
	// through the proxy, and returns when the pack exits.
	runErr := proxy.Attach(ctx, cmd)
	var exitErr *exec.ExitError
	switch {
	case runErr == nil:
	case errors.As(runErr, &exitErr):
		if err := closer.Close(); err != nil {
			return err
		}
		return server.Send(&pulumirpc.RunPluginResponse{
			Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(exitErr.ExitCode())},
		})
	default:
		return fmt.Errorf("running the policy pack: %w", runErr)
	}
	return closer.Close()
}
