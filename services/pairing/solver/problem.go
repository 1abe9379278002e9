// Package solver pairs volunteers with elders' slots by exact minimum-cost flow.
//
// It is a pure rule engine: plain values in, plain values out, no I/O. Every elder needs a
// number of slots filled (rule P1: at least two volunteers per elder, "二对一"); which volunteer
// may fill which slot is decided by the caller as a sparse list of candidate arcs with costs
// (rule P3: pairing rules per county; rule P4: match on need, distance and time). Solve fills
// as many slots as possible (full coverage first, rule P1) and, among all such pairings, one of
// minimum total cost. SolveOne proposes a successor for one open slot while every other pair
// stays as it is (rule P2: relay).
package solver

import (
	"errors"
	"fmt"
)

// ErrInvalid is wrapped by every error about a malformed Problem or Solution.
var ErrInvalid = errors.New("solver: invalid problem")

// ErrNoCandidate is returned by SolveOne when no candidate volunteer can take the slot.
var ErrNoCandidate = errors.New("solver: no feasible candidate")

// Arc is a candidate pair: Volunteer may fill Slot at Cost. Arcs exist only where the caller's
// matching rules allow the pair (role, county, distance); lower cost is a better match.
type Arc struct {
	Slot      int32
	Volunteer int32
	Cost      int64
}

// Pair names a slot and a volunteer without a cost, as used for forbidden pairs.
type Pair struct {
	Slot      int32
	Volunteer int32
}

// Problem is a pairing instance. Slots are numbered 0..len(SlotElder)-1 and volunteers
// 0..len(Capacity)-1.
type Problem struct {
	// SlotElder gives the elder (any non-negative id) each slot belongs to; a volunteer fills
	// at most one slot of the same elder (rule P1 asks for two different volunteers).
	SlotElder []int32
	// Capacity is the number of slots each volunteer may fill (0 means unavailable).
	Capacity []int32
	// Arcs are the candidate pairs. Duplicates are allowed; the cheapest one counts.
	Arcs []Arc
	// Fixed pairs are kept as they are: existing pairs during a re-run and pinned pairs an
	// organizer insists on. They use up capacity, count in the cost with their own Cost and
	// need not appear among Arcs. Their slots are not re-solved.
	Fixed []Arc
	// Forbidden pairs are never proposed, even when they appear among Arcs.
	Forbidden []Pair
}

// Solution is the result of Solve: one entry per slot, Fixed pairs included.
type Solution struct {
	// Volunteer holds the volunteer filling each slot, or -1 when the slot stays open.
	Volunteer []int32
	// SlotCost holds the cost of each slot's pair (0 when open).
	SlotCost []int64
	// Filled and Unfilled count the slots with and without a volunteer.
	Filled, Unfilled int
	// Cost is the sum of SlotCost.
	Cost int64
}

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// validate checks indices and capacities; it does not check the Fixed pairs' feasibility,
// which the engine builder does while it uses them.
func (p *Problem) validate() error {
	nS, nV := int32(len(p.SlotElder)), int32(len(p.Capacity))
	for s, e := range p.SlotElder {
		if e < 0 {
			return invalidf("slot %d has negative elder %d", s, e)
		}
	}
	for v, c := range p.Capacity {
		if c < 0 {
			return invalidf("volunteer %d has negative capacity %d", v, c)
		}
	}
	for i, a := range p.Arcs {
		if a.Slot < 0 || a.Slot >= nS || a.Volunteer < 0 || a.Volunteer >= nV {
			return invalidf("arc %d (%d,%d) out of range", i, a.Slot, a.Volunteer)
		}
	}
	for i, a := range p.Fixed {
		if a.Slot < 0 || a.Slot >= nS || a.Volunteer < 0 || a.Volunteer >= nV {
			return invalidf("fixed pair %d (%d,%d) out of range", i, a.Slot, a.Volunteer)
		}
	}
	for i, a := range p.Forbidden {
		if a.Slot < 0 || a.Slot >= nS || a.Volunteer < 0 || a.Volunteer >= nV {
			return invalidf("forbidden pair %d (%d,%d) out of range", i, a.Slot, a.Volunteer)
		}
	}
	return nil
}

// Check reports whether sol is a feasible pairing for p: every Fixed pair kept, every other
// pair a candidate arc that is not forbidden, capacities respected, no volunteer twice on one
// elder, and the counts and costs consistent. It returns an error wrapping ErrInvalid.
func (p *Problem) Check(sol *Solution) error {
	if err := p.validate(); err != nil {
		return err
	}
	nS := len(p.SlotElder)
	if len(sol.Volunteer) != nS || len(sol.SlotCost) != nS {
		return invalidf("solution has %d slots, problem %d", len(sol.Volunteer), nS)
	}
	fixed := make(map[int32]Arc, len(p.Fixed))
	for _, a := range p.Fixed {
		fixed[a.Slot] = a
	}
	forbidden := make(map[Pair]bool, len(p.Forbidden))
	for _, f := range p.Forbidden {
		forbidden[f] = true
	}
	best := make(map[Pair]int64, len(p.Arcs))
	for _, a := range p.Arcs {
		k := Pair{a.Slot, a.Volunteer}
		if c, ok := best[k]; !ok || a.Cost < c {
			best[k] = a.Cost
		}
	}
	load := make([]int32, len(p.Capacity))
	onElder := make(map[[2]int32]bool)
	var filled int
	var cost int64
	for s, v := range sol.Volunteer {
		if f, ok := fixed[int32(s)]; ok && (v != f.Volunteer || sol.SlotCost[s] != f.Cost) {
			return invalidf("fixed pair of slot %d not kept", s)
		}
		if v < 0 {
			if sol.SlotCost[s] != 0 {
				return invalidf("open slot %d has cost %d", s, sol.SlotCost[s])
			}
			continue
		}
		if int(v) >= len(p.Capacity) {
			return invalidf("slot %d has volunteer %d out of range", s, v)
		}
		if _, ok := fixed[int32(s)]; !ok {
			k := Pair{int32(s), v}
			c, ok := best[k]
			if !ok || forbidden[k] {
				return invalidf("slot %d paired with non-candidate volunteer %d", s, v)
			}
			if c != sol.SlotCost[s] {
				return invalidf("slot %d costs %d, cheapest arc %d", s, sol.SlotCost[s], c)
			}
		}
		load[v]++
		if load[v] > p.Capacity[v] {
			return invalidf("volunteer %d over capacity %d", v, p.Capacity[v])
		}
		ek := [2]int32{p.SlotElder[s], v}
		if onElder[ek] {
			return invalidf("volunteer %d twice on elder %d", v, ek[0])
		}
		onElder[ek] = true
		filled++
		cost += sol.SlotCost[s]
	}
	if filled != sol.Filled || nS-filled != sol.Unfilled || cost != sol.Cost {
		return invalidf("counts %d/%d/%d do not match pairs %d/%d/%d",
			sol.Filled, sol.Unfilled, sol.Cost, filled, nS-filled, cost)
	}
	return nil
}
