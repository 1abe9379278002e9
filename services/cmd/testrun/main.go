// Command testrun is make test's runner. It links every listed package's
// test binary into a kept folder and runs the binaries a few at a time, as
// `go test -count=1` would, printing an "ok" or "FAIL" line per package and
// exiting 1 when any failed.
//
//	testrun [-p N] [-parallel N] [-timeout D] [-run RE] [-v] [-dir DIR] [PACKAGE ...]
//
// go test links each test binary afresh on every run (it caches compiled
// packages, not test binaries): on the 2-core machines of issue 19 that was
// 37 links of up to 830 packages each, about 41 CPU-seconds, a sixth of
// make test. `go test -c -o DIR/` leaves a binary whose code has not
// changed as it is (the go command compares its build ID), so a run after a
// change relinks only the binaries that depend on what changed, and a run
// with nothing changed relinks none. Each binary runs in its package's
// folder, as under go test, with -test.count=1 (no cached results: the tests
// use Redis and Chromium), -test.timeout and -test.parallel.
//
// Packages start in the order given (make test names the browser tests
// first, the longest); their output is printed as each ends. A package that
// fails to build stops the run before any test, with the go command's
// message.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command's flags.
type options struct {
	procs    int           // test binaries running at once
	parallel int           // -test.parallel
	timeout  time.Duration // -test.timeout
	pattern  string        // -test.run
	verbose  bool          // -test.v
	dir      string        // where the binaries are kept
	goCmd    string        // the go command
}

// pkg is a package with tests.
type pkg struct {
	importPath, dir string
	bin             string // its test binary, once linked
}

// run is the whole command; it returns the exit status: 0 when every
// package passed, 1 when one failed, 2 on bad flags or a failed build.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("testrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.IntVar(&o.procs, "p", runtime.NumCPU()+1, "test binaries run at once")
	fs.IntVar(&o.parallel, "parallel", 4, "parallel tests within a binary (-test.parallel)")
	fs.DurationVar(&o.timeout, "timeout", 25*time.Minute, "a binary's time limit (-test.timeout)")
	fs.StringVar(&o.pattern, "run", "", "run only tests matching this (-test.run)")
	fs.BoolVar(&o.verbose, "v", false, "print every test's log (-test.v)")
	fs.StringVar(&o.dir, "dir", filepath.Join("bin", "test"), "folder that keeps the test binaries")
	fs.StringVar(&o.goCmd, "go", "go", "the go command")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.procs < 1 || o.parallel < 1 || o.timeout <= 0 {
		fmt.Fprintln(stderr, "testrun: -p and -parallel must be at least 1, -timeout above 0")
		return 2
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	dir, err := filepath.Abs(o.dir)
	if err != nil {
		fmt.Fprintln(stderr, "testrun:", err)
		return 2
	}
	o.dir = dir
	pkgs, err := listTested(ctx, o.goCmd, patterns)
	if err != nil {
		fmt.Fprintln(stderr, "testrun:", err)
		return 2
	}
	if err := link(ctx, o, pkgs, stderr); err != nil {
		fmt.Fprintln(stderr, "testrun:", err)
		return 2
	}
	return runAll(ctx, o, pkgs, stdout)
}

// listTested lists the packages matching patterns that have tests, once
// each, in the order given.
func listTested(ctx context.Context, goCmd string, patterns []string) ([]*pkg, error) {
	cmd := exec.CommandContext(ctx, goCmd, append([]string{"list", "-f",
		"{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}\t{{.Dir}}{{end}}"}, patterns...)...)
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %w\n%s", err, errBuf.Bytes())
	}
	var pkgs []*pkg
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		ip, d, ok := strings.Cut(sc.Text(), "\t")
		if !ok || seen[ip] {
			continue
		}
		seen[ip] = true
		pkgs = append(pkgs, &pkg{importPath: ip, dir: d})
	}
	if len(pkgs) == 0 {
		return nil, errors.New("no package with tests matches " + strings.Join(patterns, " "))
	}
	return pkgs, nil
}

// link links the packages' test binaries into o.dir with `go test -c -o`,
// which leaves a binary that is up to date untouched. go test names a
// binary after the last element of its import path, so packages sharing
// one are linked into numbered subfolders, one go command per folder.
func link(ctx context.Context, o options, pkgs []*pkg, stderr io.Writer) error {
	var groups [][]*pkg
	taken := []map[string]bool{}
	for _, p := range pkgs {
		name := path.Base(p.importPath) + ".test"
		g := 0
		for g < len(groups) && taken[g][name] {
			g++
		}
		if g == len(groups) {
			groups = append(groups, nil)
			taken = append(taken, map[string]bool{})
		}
		groups[g] = append(groups[g], p)
		taken[g][name] = true
		sub := o.dir
		if g > 0 {
			sub = filepath.Join(o.dir, strconv.Itoa(g))
		}
		p.bin = filepath.Join(sub, name)
	}
	for _, g := range groups {
		sub := filepath.Dir(g[0].bin)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return err
		}
		args := []string{"test", "-c", "-o", sub + string(filepath.Separator)}
		for _, p := range g {
			args = append(args, p.importPath)
		}
		cmd := exec.CommandContext(ctx, o.goCmd, args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			stderr.Write(out.Bytes())
			return fmt.Errorf("building the test binaries: %w", err)
		}
	}
	return nil
}

// runAll runs the binaries, o.procs at once, and prints each package's
// result as it ends; it returns 1 when any failed.
func runAll(ctx context.Context, o options, pkgs []*pkg, stdout io.Writer) int {
	var (
		mu     sync.Mutex
		failed []string
	)
	var g errgroup.Group
	g.SetLimit(o.procs)
	for _, p := range pkgs {
		g.Go(func() error {
			out, took, err := runOne(ctx, o, p)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed = append(failed, p.importPath)
				stdout.Write(bytes.TrimSuffix(out, []byte("FAIL\n")))
				if len(out) > 0 && out[len(out)-1] != '\n' {
					fmt.Fprintln(stdout)
				}
				fmt.Fprintf(stdout, "FAIL\t%s\t%.3fs\n", p.importPath, took.Seconds())
				return nil
			}
			if !o.verbose {
				out = bytes.TrimSuffix(out, []byte("PASS\n"))
			}
			stdout.Write(out)
			fmt.Fprintf(stdout, "ok  \t%s\t%.3fs\n", p.importPath, took.Seconds())
			return nil
		})
	}
	_ = g.Wait()
	if len(failed) > 0 {
		fmt.Fprintf(stdout, "FAIL (%d of %d packages): %s\n", len(failed), len(pkgs), strings.Join(failed, " "))
		return 1
	}
	return 0
}

// runOne runs one package's test binary in its folder and returns its
// output and time; an error means the package failed (or did not run).
func runOne(ctx context.Context, o options, p *pkg) ([]byte, time.Duration, error) {
	// The binary stops itself at -test.timeout with every goroutine's
	// stack; a minute later it is killed, as go test would.
	ctx, cancel := context.WithTimeout(ctx, o.timeout+time.Minute)
	defer cancel()
	args := []string{"-test.count=1", "-test.paniconexit0",
		"-test.timeout=" + o.timeout.String(), "-test.parallel=" + strconv.Itoa(o.parallel)}
	if o.pattern != "" {
		args = append(args, "-test.run="+o.pattern)
	}
	if o.verbose {
		args = append(args, "-test.v=true")
	}
	cmd := exec.CommandContext(ctx, p.bin, args...)
	cmd.Dir = p.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// Stopped (Ctrl-C, or the time limit), a binary is asked to end so that
	// its cleanups run (the browser tests stop their Chromium); ten seconds
	// later it is killed.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err := cmd.Run()
	return out.Bytes(), time.Since(start), err
}
