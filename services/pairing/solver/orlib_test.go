package solver

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// orlibOptima are the published optimal costs (OR-Library assignopt).
var orlibOptima = []struct {
	name string
	cost int64
	big  bool
}{
	{"assign100", 305, false}, {"assign200", 475, false}, {"assign300", 626, false},
	{"assign400", 804, false}, {"assign500", 991, false}, {"assign600", 1176, true},
	{"assign700", 1362, true}, {"assign800", 1552, true}, {"assignp800", 2239, false},
	{"assignp1500", 5839, false}, {"assignp3000", 18696, false}, {"assignp5000", 48533, true},
}

// orlibDir finds the instances: $JINHUI_ORLIB_DIR, else shared/ beside the repository.
func orlibDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("JINHUI_ORLIB_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared", "data", "orlib-assign")
	}
	if _, err := os.Stat(filepath.Join(dir, "assign100.txt")); err != nil {
		tb.Skipf("OR-Library instances not found in %s", dir)
	}
	return dir
}

func loadORLib(tb testing.TB, dir, name string) *Problem {
	tb.Helper()
	path := filepath.Join(dir, name+".txt")
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := ParseORLib(data, FormatAuto, path)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return p
}

func TestORLibOptima(t *testing.T) {
	dir := orlibDir(t)
	for _, tc := range orlibOptima {
		t.Run(tc.name, func(t *testing.T) {
			if tc.big && testing.Short() {
				t.Skip("large instance skipped in -short mode")
			}
			p := loadORLib(t, dir, tc.name)
			start := time.Now()
			sol, err := Solve(p)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: cost %d in %v", tc.name, sol.Cost, time.Since(start))
			if sol.Unfilled != 0 || sol.Cost != tc.cost {
				t.Fatalf("cost %d unfilled %d, want cost %d", sol.Cost, sol.Unfilled, tc.cost)
			}
			if err := p.Check(sol); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestParseORLib(t *testing.T) {
	tests := []struct {
		name   string
		data   string
		format Format
		file   string
		arcs   int
		bad    bool
	}{
		{name: "Dense", data: "2\n1 2\n3 4\n", arcs: 4},
		{name: "DenseTokensAcrossLines", data: "2 1\n2 3\n 4", arcs: 4},
		{name: "Sparse", data: "2\n1 1 5\n2 2 6\n", arcs: 2},
		{name: "AmbiguousByName", data: "3 " + repeat("1 2 3 ", 3), file: "x/assignp3.txt", arcs: 3},
		{name: "AmbiguousDenseName", data: "3 " + repeat("1 2 3 ", 3), file: "assign3.txt", arcs: 9},
		{name: "AmbiguousOutOfRange", data: "3 " + repeat("9 9 9 ", 3), arcs: 9},
		{name: "ForcedSparse", data: "3 " + repeat("1 2 3 ", 3), format: FormatSparse, arcs: 3},
		{name: "ErrEmpty", data: " \n", bad: true},
		{name: "ErrNegativeN", data: "-3 1 2 3", bad: true},
		{name: "ErrMalformed", data: "2 1 2 x3 4", bad: true},
		{name: "ErrMalformedSuffix", data: "2 1 2 3a 4", bad: true},
		{name: "ErrOutOfRange", data: "2 1 3 5", bad: true},
		{name: "ErrZeroIndex", data: "2 0 1 5", bad: true},
		{name: "ErrDenseCount", data: "2 1 2 3", format: FormatDense, bad: true},
		{name: "ErrSparseCount", data: "2 1 2", format: FormatSparse, bad: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseORLib([]byte(tc.data), tc.format, tc.file)
			if tc.bad {
				if err == nil {
					t.Fatalf("want error, got %d arcs", len(p.Arcs))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Arcs) != tc.arcs {
				t.Fatalf("got %d arcs, want %d", len(p.Arcs), tc.arcs)
			}
		})
	}
}

func repeat(s string, n int) string {
	out := ""
	for ; n > 0; n-- {
		out += s
	}
	return out
}

func TestSolveRejectsInvalid(t *testing.T) {
	tests := []struct {
		name string
		p    Problem
	}{
		{"ErrArcRange", Problem{SlotElder: []int32{0}, Capacity: []int32{1}, Arcs: []Arc{{0, 1, 1}}}},
		{"ErrNegativeCapacity", Problem{SlotElder: []int32{0}, Capacity: []int32{-1}}},
		{"ErrNegativeElder", Problem{SlotElder: []int32{-2}, Capacity: []int32{1}}},
		{"ErrFixedTwice", Problem{SlotElder: []int32{0}, Capacity: []int32{2},
			Fixed: []Arc{{0, 0, 1}, {0, 0, 1}}}},
		{"ErrFixedSameElder", Problem{SlotElder: []int32{0, 0}, Capacity: []int32{2},
			Fixed: []Arc{{0, 0, 1}, {1, 0, 1}}}},
		{"ErrFixedOverCapacity", Problem{SlotElder: []int32{0, 1}, Capacity: []int32{1},
			Fixed: []Arc{{0, 0, 1}, {1, 0, 1}}}},
		{"ErrForbiddenRange", Problem{SlotElder: []int32{0}, Capacity: []int32{1},
			Forbidden: []Pair{{3, 0}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Solve(&tc.p); !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
		})
	}
}

func BenchmarkORLib(b *testing.B) {
	dir := orlibDir(b)
	for _, tc := range orlibOptima {
		p := loadORLib(b, dir, tc.name)
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				sol, err := Solve(p)
				if err != nil || sol.Cost != tc.cost {
					b.Fatalf("cost %v err %v, want %d", sol, err, tc.cost)
				}
			}
		})
	}
}
