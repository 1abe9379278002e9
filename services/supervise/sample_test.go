package supervise

import (
	"fmt"
	"reflect"
	"testing"

	"jinhui/services/registry"
)

// register builds towns × villages × households; every third household
// not poor, village "v0" of each town key when key is set.
func register(towns, villages, per int, key bool) []Household {
	var hs []Household
	for t := 0; t < towns; t++ {
		for v := 0; v < villages; v++ {
			vc := fmt.Sprintf("t%d-v%d", t, v)
			for i := 0; i < per; i++ {
				hs = append(hs, Household{Elder: fmt.Sprintf("%s-e%02d", vc, i), Village: vc, Township: fmt.Sprintf("t%d", t),
					Poor: i%3 != 0, Key: key && v == 0})
			}
		}
	}
	return hs
}

func elders(ps []Pick) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Elder
	}
	return out
}

// TestFujin: rule Q2 — per township 4 villages, per village 10
// households, half poor and half not, key villages always, reproducible.
func TestFujin(t *testing.T) {
	hs := register(3, 7, 20, false)
	a, _ := Fujin(hs, 42, FujinRule{})
	// The order of the register does not matter, only the seed.
	rev := append([]Household(nil), hs...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	b, _ := Fujin(rev, 42, FujinRule{})
	if !reflect.DeepEqual(elders(a), elders(b)) {
		t.Fatal("same seed, same register: different samples")
	}
	c, _ := Fujin(hs, 43, FujinRule{})
	if reflect.DeepEqual(elders(a), elders(c)) {
		t.Fatal("another seed gave the same sample")
	}
	if len(a) != 3*4*10 {
		t.Fatalf("sample size %d, want 120", len(a))
	}
	villages, poor := map[string]map[string]bool{}, map[string]int{}
	for _, p := range a {
		if villages[p.Township] == nil {
			villages[p.Township] = map[string]bool{}
		}
		villages[p.Township][p.Village] = true
		if p.Poor {
			poor[p.Village]++
		}
	}
	for town, vs := range villages {
		if len(vs) != 4 {
			t.Errorf("township %s: %d villages, want 4", town, len(vs))
		}
		for v := range vs {
			if poor[v] != 5 {
				t.Errorf("village %s: %d poor of 10, want 5", v, poor[v])
			}
		}
	}

	cases := []struct {
		name  string
		hs    []Household
		check func(t *testing.T, ps []Pick, notes []string)
	}{
		{"KeyVillagesAlways", register(2, 9, 12, true), func(t *testing.T, ps []Pick, _ []string) {
			seen := map[string]bool{}
			for _, p := range ps {
				seen[p.Village] = true
			}
			if !seen["t0-v0"] || !seen["t1-v0"] {
				t.Fatal("a key village was left out")
			}
		}},
		{"OnlyPoorRegister", func() []Household {
			hs := register(1, 4, 12, false)
			for i := range hs {
				hs[i].Poor = true
			}
			return hs
		}(), func(t *testing.T, ps []Pick, notes []string) {
			if len(ps) != 40 || len(notes) == 0 {
				t.Fatalf("%d picks, notes %v: want 40 filled with poor and a note", len(ps), notes)
			}
		}},
		{"SmallVillage", register(1, 2, 6, false), func(t *testing.T, ps []Pick, notes []string) {
			if len(ps) != 12 || len(notes) != 3 {
				t.Fatalf("%d picks, notes %v: want every household, a note per village and one on the non-poor", len(ps), notes)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for seed := int64(0); seed < 5; seed++ {
				ps, notes := Fujin(tc.hs, seed, FujinRule{})
				tc.check(t, ps, notes)
			}
		})
	}
}

// TestRisky: the risk-weighted sample is reproducible and favours visits
// with risk signs (rule Q1).
func TestRisky(t *testing.T) {
	var vs []VisitRisk
	for i := 0; i < 100; i++ {
		vs = append(vs, VisitRisk{Household: Household{Visit: fmt.Sprintf("v%03d", i), Volunteer: fmt.Sprintf("vol%d", i%10)}, Minutes: 60})
	}
	vs[7].Minutes, vs[8].Far, vs[9].Minutes, vs[10].NeverChecked, vs[11].ManyLate = 5, true, 300, true, true
	a, b := Risky(vs, 9, 10), Risky(vs, 9, 10)
	if !reflect.DeepEqual(a, b) || len(a) != 10 {
		t.Fatal("same seed: different or short risk samples")
	}
	hits := map[string]int{}
	for seed := int64(0); seed < 400; seed++ {
		for _, p := range Risky(vs, seed, 10) {
			hits[p.Visit]++
		}
	}
	plain := hits["v050"] + hits["v051"] + hits["v052"]
	for _, v := range []string{"v007", "v008"} {
		if hits[v]*3 < 2*plain {
			t.Errorf("risky visit %s picked %d times, plain ones %d (of 3)", v, hits[v], plain)
		}
	}
	w, why := Weight(vs[7])
	if w != 5 || len(why) != 1 {
		t.Errorf("short visit weight %v %v", w, why)
	}
}

// TestRank: rule Q4 — figures per child area, ranked by score.
func TestRank(t *testing.T) {
	a, b := "370101001000", "370101002000"
	in := func(c string) []string { return []string{"370000000000", "370100000000", "370101000000", c} }
	f := Figures{
		Elders:   []ElderRow{{in(a), true}, {in(a), true}, {in(b), true}, {in(b), false}},
		Visits:   []StatusRow{{in(a), "done"}, {in(a), "done"}, {in(b), "done"}, {in(b), "missed"}, {in(b), "cancelled"}},
		Tasks:    []StatusRow{{in(a), ResultConfirmed}, {in(b), ResultNotConfirmed}, {in(b), ResultUnreachable}, {in(b), ""}},
		Problems: []Problem{{Areas: in(b), Status: ProblemOpen, Deadline: "2026-11-01"}, {Areas: in(a), Status: ProblemRectified, Deadline: "2026-12-31"}},
		Relays:   []RelayRow{{in(b), "2026-11-01"}},
	}
	rows, total := Rank([]registry.Region{{Code: b, Name: "乙镇"}, {Code: a, Name: "甲镇"}}, f, "2026-11-30")
	if rows[0].Area != a || rows[0].Rank != 1 || rows[1].Rank != 2 {
		t.Fatalf("ranking: %+v", rows)
	}
	want := Row{Rank: 2, Area: b, Name: "乙镇", Elders: 2, Paired: 1, Coverage: 0.5, Planned: 2, Done: 1, DoneRate: 0.5, Checked: 2, NotConfirmed: 1,
		Unreachable: 1, OpenProblems: 1, Overdue: 1, OpenRelays: 1, RelayDays: 29, MaxRelayDays: 29, LateRelays: 1, Score: 40}
	if rows[1] != want {
		t.Fatalf("row b:\n got %+v\nwant %+v", rows[1], want)
	}
	if total.Elders != 4 || total.Done != 3 || total.Planned != 4 || total.Confirmed != 1 {
		t.Fatalf("total: %+v", total)
	}
}
