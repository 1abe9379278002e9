// Command pairsolve runs the pairing solver on an OR-Library assignment instance or on a
// generated province, printing timings first and the optimal cost on its last line.
//
//	pairsolve [-format dense|sparse|auto] FILE
//	pairsolve -gen [-elders N] [-volunteers M] [-seed S]
//
// Bad input is reported on stderr with exit status 2.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"jinhui/services/pairing/solver"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command; it returns the exit status: 0 on success, 2 on bad input.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pairsolve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "auto", "OR-Library layout: dense, sparse or auto")
	gen := fs.Bool("gen", false, "generate a province-like instance instead of reading FILE")
	elders := fs.Int("elders", 10288, "elders in the generated province (with -gen)")
	volunteers := fs.Int("volunteers", 21087, "volunteers in the generated province (with -gen)")
	seed := fs.Int64("seed", 1, "seed of the generated province (with -gen)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: pairsolve [-format dense|sparse|auto] FILE")
		fmt.Fprintln(stderr, "       pairsolve -gen [-elders N] [-volunteers M] [-seed S]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var err error
	if *gen {
		if fs.NArg() != 0 {
			err = errors.New("-gen takes no FILE")
		} else if *elders < 0 || *volunteers < 0 {
			err = errors.New("-elders and -volunteers must be >= 0")
		} else {
			err = runGenerated(stdout, *elders, *volunteers, *seed)
		}
	} else if fs.NArg() != 1 {
		fs.Usage()
		return 2
	} else {
		err = runFile(stdout, fs.Arg(0), *format)
	}
	if err != nil {
		fmt.Fprintf(stderr, "pairsolve: %v\n", err)
		return 2
	}
	return 0
}

func runFile(w io.Writer, path, formatName string) error {
	format, err := solver.ParseFormat(formatName)
	if err != nil {
		return err
	}
	start := time.Now()
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	p, err := solver.ParseORLib(data, format, path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	parsed := time.Now()
	sol, err := solver.Solve(p)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	solved := time.Now()
	fmt.Fprintf(w, "n %d arcs %d\n", len(p.SlotElder), len(p.Arcs))
	fmt.Fprintf(w, "parse seconds %.3f\n", parsed.Sub(start).Seconds())
	fmt.Fprintf(w, "seconds %.3f\n", solved.Sub(parsed).Seconds())
	if sol.Unfilled > 0 {
		fmt.Fprintf(w, "unfilled %d (no perfect assignment exists)\n", sol.Unfilled)
	}
	fmt.Fprintf(w, "cost %d\n", sol.Cost)
	return nil
}

func runGenerated(w io.Writer, elders, volunteers int, seed int64) error {
	start := time.Now()
	in := solver.Generate(elders, volunteers, seed)
	generated := time.Now()
	sol, err := solver.Solve(in.Problem)
	if err != nil {
		return err
	}
	solved := time.Now()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(w, "elders %d volunteers %d slots %d arcs %d\n",
		len(in.Elders), len(in.Volunteers), len(in.Slots), len(in.Problem.Arcs))
	fmt.Fprintf(w, "generate seconds %.3f\n", generated.Sub(start).Seconds())
	fmt.Fprintf(w, "seconds %.3f\n", solved.Sub(generated).Seconds())
	fmt.Fprintf(w, "memory MiB %.0f (heap obtained from OS %.0f, total allocated %.0f)\n",
		float64(ms.Sys)/(1<<20), float64(ms.HeapSys)/(1<<20), float64(ms.TotalAlloc)/(1<<20))
	fmt.Fprintf(w, "unfilled %d\n", sol.Unfilled)
	fmt.Fprintf(w, "cost %d\n", sol.Cost)
	return nil
}
