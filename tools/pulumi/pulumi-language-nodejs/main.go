// Command pulumi-language-nodejs is a minimal Pulumi language host for Node.js
// programs, written for this project.
//
// Why it exists: the upstream language host lives in its own Go module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) that has
// no tags and that the Go module proxy reachable here does not serve, so it
// cannot be built offline. The Pulumi CLI itself (pkg/v3) is served and is
// built from the same wrapper module (see ../tools.go and
// scripts/setup-pulumi.sh).
//
// Scope: it runs a Node.js/TypeScript Pulumi program through the installed
// @pulumi/pulumi SDK's own launcher (`@pulumi/pulumi/cmd/run`), the same
// entry point the upstream host uses, and implements the RPCs the engine
// needs for preview/up/refresh/destroy/stack commands, and GenerateProgram
// (generate_program.go) for the code `pulumi import` prints, and RunPlugin (run_plugin.go) for
// Node.js policy packs (`pulumi preview --policy-pack`). It does not report
// resource-plugin dependencies of npm packages (GetRequiredPackages returns an
// empty list), so programs that use packaged providers need those plugins
// installed by other means; dynamic providers (pulumi-nodejs) need nothing.
// It does not run `npm install` (InstallDependencies reports that and
// succeeds) and it does not support the deprecated synchronous invokes.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Exit code with which @pulumi/pulumi's launcher signals that it has already
// reported an actionable error to the user.
const exitCodeAlreadyReported = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	tracing       string

	mu      sync.Mutex
	running []*exec.Cmd
}

func main() {
	engineAddress, tracing := parseArgs(os.Args[1:])

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	if engineAddress != "" {
		// Exit when the engine goes away.
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			fatalf("could not start health check: %v", err)
		}
	}
	// The health check above polls every five minutes, so a CLI killed with SIGKILL (an OOM
	// kill, a cancelled CI job) would leave this host, and the program it runs, alive under
	// PID 1 for that long. The engine is the process that started us: once we are reparented,
	// it is gone, and nothing can use us any more.
	go exitWhenOrphaned(os.Getppid(), cancel)

	h := &host{engineAddress: engineAddress, tracing: tracing}
	go func() {
		<-ctx.Done()
		// The program's connection to the engine is gone too: stop it rather than leave it behind.
		h.killRunning()
	}()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fatalf("could not start language host RPC server: %v", err)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fatalf("language host RPC server stopped: %v", err)
	}
}

// parseArgs accepts the arguments the engine passes to language plugins:
// optional logging/tracing flags followed by the engine address.
func parseArgs(args []string) (engineAddress, tracing string) {
	var positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--tracing" || a == "-tracing":
			if i+1 < len(args) {
				tracing = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--tracing=") || strings.HasPrefix(a, "-tracing="):
			tracing = a[strings.Index(a, "=")+1:]
		case strings.HasPrefix(a, "-"):
			// --logtostderr, -v=N, --root=..., --typescript=... : accepted and ignored.
		default:
			positional = append(positional, a)
		}
	}
	if len(positional) > 0 {
		engineAddress = positional[0]
	}
	return engineAddress, tracing
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: "+format+"\n", args...)
	os.Exit(1)
}

func (h *host) Handshake(
	context.Context, *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: strings.TrimPrefix(version.Version, "v")}, nil
}

func (h *host) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest,
	stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	msg := "pulumi-language-nodejs (project build): dependencies are not installed by the language host; " +
		"run `npm ci` in the project.\n"
	return stream.Send(&pulumirpc.InstallDependenciesResponse{Stderr: []byte(msg)})
}

func (h *host) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("could not find node on the $PATH")
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

func (h *host) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	// Report the direct dependencies declared in package.json (declared ranges,
	// not resolved versions).
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd()
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return &pulumirpc.GetProgramDependenciesResponse{}, nil
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		return nil, fmt.Errorf("parsing package.json: %w", err)
	}
	resp := &pulumirpc.GetProgramDependenciesResponse{}
	for name, v := range pkg.Dependencies {
		resp.Dependencies = append(resp.Dependencies, &pulumirpc.DependencyInfo{Name: name, Version: v})
	}
	return resp, nil
}

// exitWhenOrphaned cancels once the parent that started this process is no longer its parent.
// Polling is the portable way (PR_SET_PDEATHSIG is Linux-only and tied to the parent's thread,
// which in the Go CLI is any of its OS threads). A quarter second keeps the check cheap while an
// orphan is gone before anyone looks for it.
func exitWhenOrphaned(parent int, cancel context.CancelFunc) {
	for range time.Tick(250 * time.Millisecond) {
		if os.Getppid() != parent {
			cancel()
			return
		}
	}
}

// resolveFrom resolves a module as Node would from dir, so a program or a policy pack gets the
// SDK installed beside it.
func resolveFrom(ctx context.Context, node, dir, module string) (string, error) {
	resolve := exec.CommandContext(ctx, node, "-e",
		"process.stdout.write(require.resolve(process.argv[1]))", module)
	resolve.Dir = dir
	path, err := resolve.Output()
	if err != nil {
		return "", err
	}
	return string(path), nil
}

// track records a started program or policy pack, so that Cancel and an orphaned host reach it.
func (h *host) track(cmd *exec.Cmd) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.running = append(h.running, cmd)
}

func (h *host) untrack(cmd *exec.Cmd) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, c := range h.running {
		if c == cmd {
			h.running = append(h.running[:i], h.running[i+1:]...)
			return
		}
	}
}

// killRunning ends every program this host started.
func (h *host) killRunning() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.running {
		if c.Process != nil {
			_ = c.Process.Kill()
		}
	}
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.running {
		if c.Process != nil {
			_ = c.Process.Signal(os.Interrupt)
		}
	}
	return &emptypb.Empty{}, nil
}

// runtimeOption reads a `runtime.options` entry from Pulumi.yaml.
func runtimeOption(req *pulumirpc.RunRequest, name string) (any, bool) {
	opts := req.GetInfo().GetOptions()
	if opts == nil {
		return nil, false
	}
	v, ok := opts.GetFields()[name]
	if !ok {
		return nil, false
	}
	return v.AsInterface(), true
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH"}, nil
	}

	pwd := req.GetPwd()
	if pwd == "" {
		pwd = req.GetInfo().GetProgramDirectory()
	}

	// Resolve the SDK's launcher from the program directory, as Node would.
	resolveDir := req.GetInfo().GetProgramDirectory()
	if resolveDir == "" {
		resolveDir = pwd
	}
	runPath, err := resolveFrom(ctx, node, resolveDir, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf(
			"could not resolve @pulumi/pulumi/cmd/run from %s: is @pulumi/pulumi installed (npm ci)?", resolveDir)}, nil
	}

	var nodeArgs []string
	if v, ok := runtimeOption(req, "nodeargs"); ok {
		if s, ok := v.(string); ok {
			nodeArgs = append(nodeArgs, strings.Fields(s)...)
		}
	}
	args := append(nodeArgs, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", pwd)
	if root := req.GetInfo().GetRootDirectory(); root != "" {
		add("root-directory", root)
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		add("parallel", fmt.Sprint(req.GetParallel()))
	}
	add("tracing", h.tracing)
	program := req.GetProgram() //nolint:staticcheck // still the entry point the engine sends
	if program == "" {
		program = "."
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
	)
	typescript := true
	if v, ok := runtimeOption(req, "typescript"); ok {
		if b, ok := v.(bool); ok {
			typescript = b
		}
	}
	if typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if v, ok := runtimeOption(req, "tsconfig"); ok {
		if s, ok := v.(string); ok && s != "" {
			env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+s)
		}
	}

	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = pwd
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start node: %v", err)}, nil
	}
	h.track(cmd)
	err = cmd.Wait()
	h.untrack(cmd)
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()

	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if exitErr.ExitCode() == exitCodeAlreadyReported {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	}
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("problem running node: %v", err)}, nil
}
