package solver

import (
	"math/rand/v2"
	"testing"
)

// bruteForce enumerates every way to fill the non-fixed slots of p with candidate arcs and
// returns the lexicographic optimum (most filled slots, then least cost), Fixed pairs included.
func bruteForce(p *Problem) (filled int, cost int64) {
	nS := len(p.SlotElder)
	fixed := make([]int32, nS)
	for i := range fixed {
		fixed[i] = -1
	}
	load := make([]int32, len(p.Capacity))
	var baseCost int64
	for _, a := range p.Fixed {
		fixed[a.Slot] = a.Volunteer
		load[a.Volunteer]++
		baseCost += a.Cost
	}
	forbidden := map[Pair]bool{}
	for _, f := range p.Forbidden {
		forbidden[f] = true
	}
	opts := make([][]Arc, nS)
	for _, a := range p.Arcs {
		if fixed[a.Slot] >= 0 || forbidden[Pair{a.Slot, a.Volunteer}] {
			continue
		}
		opts[a.Slot] = append(opts[a.Slot], a)
	}
	cur := slices32(fixed)
	bestF, bestC := -1, int64(0)
	var rec func(s, f int, c int64)
	rec = func(s, f int, c int64) {
		if s == nS {
			if f > bestF || (f == bestF && c < bestC) {
				bestF, bestC = f, c
			}
			return
		}
		if fixed[s] >= 0 {
			rec(s+1, f, c)
			return
		}
		rec(s+1, f, c)
		for _, a := range opts[s] {
			v := a.Volunteer
			if load[v] >= p.Capacity[v] {
				continue
			}
			clash := false
			for t := 0; t < nS; t++ {
				if t != s && cur[t] == v && p.SlotElder[t] == p.SlotElder[s] {
					clash = true
				}
			}
			if clash {
				continue
			}
			cur[s] = v
			load[v]++
			rec(s+1, f+1, c+a.Cost)
			load[v]--
			cur[s] = -1
		}
	}
	rec(0, len(p.Fixed), baseCost)
	return bestF, bestC
}

func slices32(a []int32) []int32 { return append([]int32(nil), a...) }

// randomProblem draws a small instance: several slots per elder, sparse arcs (some
// duplicated, some negative), capacities 1–2, and optionally Fixed and Forbidden pairs.
func randomProblem(r *rand.Rand, withConstraints bool) *Problem {
	nS, nV := 1+r.IntN(6), 1+r.IntN(5)
	p := &Problem{SlotElder: make([]int32, nS), Capacity: make([]int32, nV)}
	nE := 1 + r.IntN(nS)
	for s := range p.SlotElder {
		p.SlotElder[s] = int32(r.IntN(nE)) * 7
	}
	for v := range p.Capacity {
		p.Capacity[v] = int32(1 + r.IntN(2))
	}
	density := 0.2 + 0.7*r.Float64()
	lo := int64(0)
	if r.IntN(5) == 0 {
		lo = -20
	}
	for s := 0; s < nS; s++ {
		for v := 0; v < nV; v++ {
			if r.Float64() < density {
				p.Arcs = append(p.Arcs, Arc{int32(s), int32(v), lo + r.Int64N(30)})
				if r.IntN(8) == 0 {
					p.Arcs = append(p.Arcs, Arc{int32(s), int32(v), lo + r.Int64N(30)})
				}
			}
		}
	}
	if !withConstraints || len(p.Arcs) == 0 {
		return p
	}
	for k := r.IntN(3); k > 0; k-- {
		a := p.Arcs[r.IntN(len(p.Arcs))]
		p.Forbidden = append(p.Forbidden, Pair{a.Slot, a.Volunteer})
	}
	// A pinned pair that is feasible on its own: pick one and check capacity and elder.
	a := p.Arcs[r.IntN(len(p.Arcs))]
	if r.IntN(2) == 0 {
		p.Fixed = append(p.Fixed, Arc{a.Slot, a.Volunteer, 3})
	}
	return p
}

func TestSolveMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 4000
	if testing.Short() {
		n = 800
	}
	for i := 0; i < n; i++ {
		p := randomProblem(r, i%2 == 1)
		sol, err := Solve(p)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		if err := p.Check(sol); err != nil {
			t.Fatalf("instance %d: %v\n%+v\n%+v", i, err, p, sol)
		}
		f, c := bruteForce(p)
		if sol.Filled != f || sol.Cost != c {
			t.Fatalf("instance %d: got filled %d cost %d, brute force %d %d\n%+v\n%+v",
				i, sol.Filled, sol.Cost, f, c, p, sol)
		}
	}
}
