package solver

import (
	"errors"
	"math/rand/v2"
	"testing"
)

func TestSolveOne(t *testing.T) {
	// Elder 0 has slots 0 and 1, elder 1 has slot 2. Volunteer 0 (capacity 1) fills slot 0,
	// volunteer 1 (capacity 2) fills slot 2.
	base := func() (*Problem, *Solution) {
		p := &Problem{
			SlotElder: []int32{0, 0, 1},
			Capacity:  []int32{1, 2, 1},
			Arcs: []Arc{
				{0, 0, 1}, {2, 1, 1},
				{1, 0, 1}, {1, 1, 5}, {1, 2, 9},
			},
		}
		sol := &Solution{Volunteer: []int32{0, -1, 1}, SlotCost: []int64{1, 0, 1}, Filled: 2, Unfilled: 1, Cost: 2}
		return p, sol
	}
	tests := []struct {
		name  string
		edit  func(*Problem, *Solution)
		slot  int32
		want  int32
		errIs error
	}{
		{name: "OK", edit: func(_ *Problem, s *Solution) { s.Assign(Arc{0, -1, 0}) }, slot: 1, want: 0},
		{name: "SkipsVolunteerOnSameElder", slot: 1, want: 1},
		{name: "SkipsFullVolunteer", edit: func(p *Problem, _ *Solution) { p.Capacity[1] = 1 }, slot: 1, want: 2},
		{name: "SkipsForbidden", edit: func(p *Problem, _ *Solution) { p.Forbidden = []Pair{{1, 1}} }, slot: 1, want: 2},
		{name: "LeavingVolunteerNotProposed", edit: func(_ *Problem, s *Solution) { s.Assign(Arc{1, 1, 5}) }, slot: 1, want: 2},
		{name: "ErrNoCandidate", edit: func(p *Problem, _ *Solution) { p.Capacity[1], p.Capacity[2] = 1, 0 }, slot: 1, errIs: ErrNoCandidate},
		{name: "ErrFixedSlot", edit: func(p *Problem, _ *Solution) { p.Fixed = []Arc{{1, 2, 9}} }, slot: 1, errIs: ErrInvalid},
		{name: "ErrSlotRange", slot: 3, errIs: ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, sol := base()
			if tc.edit != nil {
				tc.edit(p, sol)
			}
			got, err := SolveOne(p, sol, tc.slot)
			if tc.errIs != nil {
				if !errors.Is(err, tc.errIs) {
					t.Fatalf("got %v, %v; want %v", got, err, tc.errIs)
				}
				return
			}
			if err != nil || got.Volunteer != tc.want {
				t.Fatalf("got %+v, %v; want volunteer %d", got, err, tc.want)
			}
			sol.Assign(got)
			if err := p.Check(sol); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSolveOneIsCheapestFeasible compares SolveOne with trying every volunteer in turn.
func TestSolveOneIsCheapestFeasible(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 2000; i++ {
		p := randomProblem(r, i%2 == 0)
		sol, err := Solve(p)
		if err != nil {
			t.Fatal(err)
		}
		slot := int32(r.IntN(len(p.SlotElder)))
		if isFixed(p, slot) {
			continue
		}
		got, err := SolveOne(p, sol, slot)
		leaving := sol.Volunteer[slot]
		var best *Arc
		for v := range p.Capacity {
			if int32(v) == leaving {
				continue
			}
			trial := cloneSolution(sol)
			for _, a := range p.Arcs {
				if a.Slot == slot && a.Volunteer == int32(v) && (best == nil || a.Cost < best.Cost) {
					trial.Assign(a)
					if p.Check(trial) == nil {
						best = &a
					}
				}
			}
		}
		switch {
		case best == nil && !errors.Is(err, ErrNoCandidate):
			t.Fatalf("instance %d: got %+v %v, want ErrNoCandidate", i, got, err)
		case best != nil && (err != nil || got.Cost != best.Cost):
			t.Fatalf("instance %d: got %+v %v, want cost %d", i, got, err, best.Cost)
		}
	}
}

func isFixed(p *Problem, s int32) bool {
	for _, a := range p.Fixed {
		if a.Slot == s {
			return true
		}
	}
	return false
}

func cloneSolution(s *Solution) *Solution {
	c := *s
	c.Volunteer = append([]int32(nil), s.Volunteer...)
	c.SlotCost = append([]int64(nil), s.SlotCost...)
	return &c
}

// BenchmarkRepairOne re-pairs one slot of the solved province: its volunteer leaves and a
// successor is proposed with every other pair kept (rule P2).
func BenchmarkRepairOne(b *testing.B) {
	for _, tc := range []struct {
		name  string
		scale int
	}{{"x1", 1}, {"x10", 10}} {
		b.Run(tc.name, func(b *testing.B) {
			in := Generate(provinceElders*tc.scale, provinceVolunteers*tc.scale, 1)
			sol, err := Solve(in.Problem)
			if err != nil {
				b.Fatal(err)
			}
			slot := int32(0)
			for b.Loop() {
				slot = (slot + 7919) % int32(len(in.Slots))
				if _, err := SolveOne(in.Problem, sol, slot); err != nil && !errors.Is(err, ErrNoCandidate) {
					b.Fatal(err)
				}
			}
		})
	}
}
