package solver

import (
	"reflect"
	"testing"
)

func TestGenerateDeterministic(t *testing.T) {
	a, b := Generate(500, 1000, 42), Generate(500, 1000, 42)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different instances")
	}
	if c := Generate(500, 1000, 43); reflect.DeepEqual(a.Problem.Arcs, c.Problem.Arcs) {
		t.Fatal("different seeds gave the same arcs")
	}
}

func TestGenerateFollowsRules(t *testing.T) {
	in := Generate(2000, 4000, 5)
	if len(in.Counties) != 100 || len(in.Elders) != 2000 || len(in.Volunteers) != 4000 {
		t.Fatalf("got %d counties, %d elders, %d volunteers", len(in.Counties), len(in.Elders), len(in.Volunteers))
	}
	perElder := make([]int, len(in.Elders))
	for _, sp := range in.Slots {
		perElder[sp.Elder]++
	}
	for i, n := range perElder {
		want := len(in.Counties[in.Elders[i].County].Rule.Roles())
		if n != want || n < 2 { // rule P1: at least two volunteers per elder
			t.Fatalf("elder %d has %d slots, want %d", i, n, want)
		}
	}
	for v, vol := range in.Volunteers {
		if vol.Capacity < 1 || vol.Capacity > 3 || in.Problem.Capacity[v] != vol.Capacity {
			t.Fatalf("volunteer %d capacity %d", v, vol.Capacity)
		}
	}
	opt := MatchOptions{}.withDefaults()
	perSlot := make([]int, len(in.Slots))
	for _, a := range in.Problem.Arcs {
		sp := in.Slots[a.Slot]
		e, v := &in.Elders[sp.Elder], &in.Volunteers[a.Volunteer]
		if !Eligible(sp.Role, e, v, opt) {
			t.Fatalf("arc %+v: volunteer role %d not eligible for slot role %d", a, v.Role, sp.Role)
		}
		if a.Cost != PairCost(e, v, opt) {
			t.Fatalf("arc %+v: cost differs from PairCost %d", a, PairCost(e, v, opt))
		}
		perSlot[a.Slot]++
	}
	for s, n := range perSlot {
		if n > opt.K {
			t.Fatalf("slot %d has %d candidates, more than K = %d", s, n, opt.K)
		}
	}
	sol, err := Solve(in.Problem)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Problem.Check(sol); err != nil {
		t.Fatal(err)
	}
	if sol.Unfilled > len(in.Slots)/50 {
		t.Fatalf("%d of %d slots unfilled; the generator should allow near-full coverage", sol.Unfilled, len(in.Slots))
	}
}

func TestPairCost(t *testing.T) {
	e := Elder{At: Point{0, 0}, Needs: SkillCooking | SkillHaircut, Days: 0b0000001}
	tests := []struct {
		name string
		v    Volunteer
		want int64
	}{
		{"NearAllSkills", Volunteer{At: Point{300, 400}, Skills: SkillCooking | SkillHaircut, Days: 1}, 5},
		{"OneSkillMissing", Volunteer{At: Point{0, 1000}, Skills: SkillCooking, Days: 1}, 10 + 8},
		{"NoCommonDay", Volunteer{At: Point{0, 0}, Skills: SkillCooking | SkillHaircut, Days: 2}, 15},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PairCost(&e, &tc.v, MatchOptions{}); got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestFixedAndForbidden(t *testing.T) {
	// One elder with two slots, three volunteers of capacity 1. Unconstrained, the optimum is
	// slot 0 <- v0 (1) and slot 1 <- v1 (1).
	base := Problem{
		SlotElder: []int32{0, 0},
		Capacity:  []int32{1, 1, 1},
		Arcs:      []Arc{{0, 0, 1}, {0, 1, 4}, {1, 1, 1}, {1, 0, 2}, {1, 2, 9}},
	}
	tests := []struct {
		name      string
		fixed     []Arc
		forbidden []Pair
		want      []int32
		cost      int64
	}{
		{name: "OK", want: []int32{0, 1}, cost: 2},
		{name: "PinnedPairKeptWithItsCost", fixed: []Arc{{1, 0, 7}}, want: []int32{1, 0}, cost: 11},
		{name: "PinnedPairNotAmongArcs", fixed: []Arc{{0, 2, 3}}, want: []int32{2, 1}, cost: 4},
		{name: "ForbiddenArcUnused", forbidden: []Pair{{1, 1}}, want: []int32{1, 0}, cost: 6},
		{name: "FixedAndForbidden", fixed: []Arc{{0, 0, 1}}, forbidden: []Pair{{1, 1}}, want: []int32{0, 2}, cost: 10},
		{name: "NothingLeft", fixed: []Arc{{0, 1, 0}}, forbidden: []Pair{{1, 0}, {1, 2}}, want: []int32{1, -1}, cost: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := base
			p.Fixed, p.Forbidden = tc.fixed, tc.forbidden
			sol, err := Solve(&p)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(sol.Volunteer, tc.want) || sol.Cost != tc.cost {
				t.Fatalf("got %v cost %d, want %v cost %d", sol.Volunteer, sol.Cost, tc.want, tc.cost)
			}
			if err := p.Check(sol); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Province sizes of rule R1 (10,288 pairs, 21,087 volunteers) and ten times that.
const (
	provinceElders     = 10288
	provinceVolunteers = 21087
)

func BenchmarkProvince(b *testing.B) {
	for _, tc := range []struct {
		name  string
		scale int
	}{{"x1", 1}, {"x10", 10}} {
		b.Run(tc.name, func(b *testing.B) {
			in := Generate(provinceElders*tc.scale, provinceVolunteers*tc.scale, 1)
			var sol *Solution
			for b.Loop() {
				var err error
				if sol, err = Solve(in.Problem); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(sol.Unfilled), "unfilled")
			b.ReportMetric(float64(sol.Cost), "cost")
		})
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate(provinceElders, provinceVolunteers, 1)
	}
}
