package pairing

import (
	"fmt"
	"testing"

	"jinhui/services/registry"
	"jinhui/shared/apperr"
)

func isField(err error, field string) bool {
	e := apperr.As(err)
	return e != nil && e.Field == field
}

const county = "370101000000"

func elder(id, village string, lat float64) registry.Elder {
	return registry.Elder{ID: id, Name: "老人" + id, Village: village, Areas: registry.AreasOf(village), Lat: lat, Lon: 117,
		Status: registry.StatusActive, Needs: registry.Needs{Health: []string{"血压测量"}}}
}

func vol(id, typ, village string, lat float64, capacity int) registry.Volunteer {
	return registry.Volunteer{ID: id, Name: "志愿者" + id, Type: typ, Village: village, Areas: registry.AreasOf(village), Lat: lat, Lon: 117,
		Capacity: capacity, Status: registry.VolActive, Availability: []registry.Availability{{Day: 6, From: "09:00", To: "17:00"}}}
}

func settingsWith(p Policy) Settings {
	st := DefaultSettings(county)
	st.Policy = p
	return st
}

// check asserts that a plan obeys the county's rule (P3), capacities and
// "no volunteer twice on one elder" (P1), and returns how many slots it filled.
func check(t *testing.T, sc *scope, elders []registry.Elder, pl plan) int {
	t.Helper()
	byID := map[string]registry.Elder{}
	for _, e := range elders {
		byID[e.ID] = e
	}
	load := map[string]int{}
	seen := map[string]bool{}
	filled := 0
	for _, it := range pl.items {
		if it.Volunteer == "" {
			continue
		}
		filled++
		v := sc.vols[sc.vidx[it.Volunteer]]
		e := byID[it.Elder]
		if !fits(sc.slots[it.Slot], &e, &v) {
			t.Errorf("slot %d of %s (%s) got %s of type %s from %s", it.Slot, e.ID, sc.slots[it.Slot].Role, v.ID, v.Type, v.Village)
		}
		if k := it.Elder + "|" + v.ID; seen[k] {
			t.Errorf("%s twice on %s", v.ID, it.Elder)
		} else {
			seen[k] = true
		}
		if load[v.ID]++; load[v.ID] > v.Capacity {
			t.Errorf("%s over capacity", v.ID)
		}
		if it.Explanation.Text == "" {
			t.Errorf("item without explanation: %+v", it)
		}
	}
	if filled != pl.filled {
		t.Errorf("plan says %d filled, items show %d", pl.filled, filled)
	}
	return filled
}

func TestPoliciesFilled(t *testing.T) {
	v1, v2 := "370101001001", "370101001002"
	elders := []registry.Elder{elder("e1", v1, 36.00), elder("e2", v1, 36.001), elder("e3", v2, 36.05)}
	var vols []registry.Volunteer
	add := func(typ, village string, lat float64, n int) {
		for range n {
			vols = append(vols, vol(fmt.Sprintf("v%02d", len(vols)), typ, village, lat, 1))
		}
	}
	add(registry.TypeNeighbour, v1, 36.0, 2)
	add(registry.TypeNeighbour, v2, 36.05, 1)
	add(registry.TypeNeighbour, v2, 36.05, 1) // a second neighbour of v2: the nearest ones need not be of the village
	add(registry.TypeUrban, "370101002001", 36.2, 3)
	add(registry.TypeGroup, "370101002001", 36.2, 9)
	add(registry.TypeDoctor, "370101002001", 36.2, 3)
	add(registry.TypePsychologist, "370101002001", 36.2, 3)
	for _, tc := range []struct {
		name   string
		policy Policy
		slots  int
	}{
		{"Default", PolicyDefault, 2},
		{"Liaocheng", PolicyLiaocheng, 2},
		{"Yutai", PolicyYutai, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := newScope(county, settingsWith(tc.policy), vols, nil, nil)
			pl, err := sc.solve(elders, false)
			if err != nil {
				t.Fatal(err)
			}
			if got := check(t, sc, elders, pl); got != tc.slots*len(elders) || pl.unfilled != 0 {
				t.Fatalf("filled %d of %d, unfilled %d", got, tc.slots*len(elders), pl.unfilled)
			}
			if tc.name == "Liaocheng" {
				for _, it := range pl.items {
					v := sc.vols[sc.vidx[it.Volunteer]]
					if it.Slot == 0 && (v.Type != registry.TypeNeighbour || v.Village != it.Village || !it.Explanation.SameVillage) {
						t.Errorf("neighbour slot of %s got %s from %s", it.Elder, v.Type, v.Village)
					}
				}
			}
			if tc.name == "Yutai" {
				groups := map[string]int{}
				for _, it := range pl.items {
					if it.Role == registry.TypeGroup {
						groups[it.Elder]++
					}
				}
				for _, e := range elders {
					if groups[e.ID] < 3 {
						t.Errorf("%s has a group of %d", e.ID, groups[e.ID])
					}
				}
			}
		})
	}
}

// TestCoverageFirst: A and B are cheapest for e1, but taking both leaves
// e2 one short; C serves only e1 and D only e2 (within 3 km). Every slot
// can be filled, and must be, even at a higher cost.
func TestCoverageFirst(t *testing.T) {
	pol := Policy{Name: "custom", Slots: []SlotRule{{Role: RoleAny, Count: 2, WithinKm: 3}}}
	v := "370101001001"
	elders := []registry.Elder{elder("e1", v, 36.000), elder("e2", v, 36.025)}
	vols := []registry.Volunteer{
		vol("A", registry.TypeUrban, v, 36.002, 1), vol("B", registry.TypeUrban, v, 36.002, 1),
		vol("C", registry.TypeUrban, v, 35.985, 1), vol("D", registry.TypeUrban, v, 36.040, 1),
	}
	sc := newScope(county, settingsWith(pol), vols, nil, nil)
	pl, err := sc.solve(elders, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := check(t, sc, elders, pl); got != 4 {
		t.Fatalf("filled %d of 4: %+v", got, pl.items)
	}
	// Shortage: without D, e2 can have only A or B; three slots are the most.
	sc = newScope(county, settingsWith(pol), vols[:3], nil, nil)
	pl, err = sc.solve(elders, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := check(t, sc, elders, pl); got != 3 || pl.unfilled != 1 {
		t.Fatalf("shortage: filled %d, unfilled %d, want 3 and 1", got, pl.unfilled)
	}
	for _, it := range pl.items {
		if it.Volunteer == "" && (it.State != ItemOpen || it.Error == "") {
			t.Errorf("open slot without state or reason: %+v", it)
		}
	}
}

func TestPinsForbidsAndKept(t *testing.T) {
	v := "370101001001"
	elders := []registry.Elder{elder("e1", v, 36.0)}
	vols := []registry.Volunteer{
		vol("near1", registry.TypeUrban, v, 36.0, 1), vol("near2", registry.TypeUrban, v, 36.001, 1),
		vol("far", registry.TypeUrban, v, 36.3, 1), vol("mid", registry.TypeUrban, v, 36.1, 1),
	}
	rules := []Rule{
		{Kind: RulePin, Elder: "e1", Volunteer: "far", Reason: "老人点名要他", Active: true},
		{Kind: RuleForbid, Elder: "e1", Volunteer: "near1", Reason: "曾有纠纷", Active: true},
	}
	sc := newScope(county, DefaultSettings(county), vols, nil, rules)
	pl, err := sc.solve(elders, false)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Item{}
	for _, it := range pl.items {
		got[it.Volunteer] = it
	}
	if it, ok := got["far"]; !ok || it.Explanation.Pinned != "老人点名要他" {
		t.Errorf("pinned volunteer not used: %+v", pl.items)
	}
	if _, ok := got["near1"]; ok {
		t.Errorf("forbidden volunteer used")
	}
	if _, ok := got["near2"]; !ok {
		t.Errorf("cheapest allowed volunteer not used: %+v", pl.items)
	}
	// An existing pair is kept unless a re-pair is asked for.
	active := []Pair{{ID: "e1.0.1", Elder: "e1", Slot: 0, Seq: 1, Volunteer: "mid", Status: PairActive}}
	sc = newScope(county, DefaultSettings(county), vols, active, nil)
	pl, _ = sc.solve(elders, false)
	if pl.items[0].Volunteer != "mid" || pl.items[0].State != ItemKept {
		t.Errorf("existing pair not kept: %+v", pl.items[0])
	}
	pl, _ = sc.solve(elders, true)
	if pl.items[0].Volunteer == "mid" || pl.items[0].Current != "mid" || pl.items[0].State != ItemProposed {
		t.Errorf("re-pair kept the farther volunteer: %+v", pl.items[0])
	}
}

func TestSuccessor(t *testing.T) {
	v := "370101001001"
	e := elder("e1", v, 36.0)
	vols := []registry.Volunteer{
		vol("left", registry.TypeUrban, v, 36.0, 1), vol("busy", registry.TypeUrban, v, 36.0, 1),
		vol("other", registry.TypeUrban, v, 36.001, 1), vol("next", registry.TypeUrban, v, 36.01, 1), vol("far", registry.TypeUrban, v, 36.2, 1),
	}
	vols[0].Status = registry.VolLeft
	active := []Pair{
		{ID: "e2.0.1", Elder: "e2", Slot: 0, Volunteer: "busy", Status: PairActive},
		{ID: "e1.1.1", Elder: "e1", Slot: 1, Volunteer: "other", Status: PairActive},
	}
	sc := newScope(county, DefaultSettings(county), vols, active, nil)
	c, err := sc.successor(&e, Relay{ID: "e1.0.2", Elder: "e1", Slot: 0, Seq: 2, OutgoingVolunteer: "left"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Volunteer != "next" {
		t.Fatalf("successor %s, want next (busy is full, other is on the elder, left has left)", c.Volunteer)
	}
	sc = newScope(county, DefaultSettings(county), vols[:3], active, nil)
	if _, err := sc.successor(&e, Relay{Elder: "e1", Slot: 0, OutgoingVolunteer: "left"}); err != errNoCandidate {
		t.Fatalf("want errNoCandidate, got %v", err)
	}
}

func TestPolicyInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    SettingsInput
		field string
	}{
		{"OK", SettingsInput{Policy: "custom", Slots: []SlotRule{{Role: "neighbour", Count: 1, SameVillage: true}, {Role: "any", Count: 1}}}, ""},
		{"ErrTooFew", SettingsInput{Policy: "custom", Slots: []SlotRule{{Role: "any", Count: 1}}}, "slots"},
		{"ErrTooMany", SettingsInput{Policy: "custom", Slots: []SlotRule{{Role: "any", Count: 5}, {Role: "group", Count: 4}}}, "slots"},
		{"ErrBoth", SettingsInput{Policy: "custom", Slots: []SlotRule{{Role: "any", Count: 2, SameVillage: true, WithinKm: 3}}}, "slots[0].withinKm"},
		{"ErrSlotsOnBuiltin", SettingsInput{Policy: "yutai", Slots: []SlotRule{{Role: "any", Count: 2}}}, "slots"},
		{"Builtin", SettingsInput{Policy: "liaocheng"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := policyFrom(tc.in)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !isField(err, tc.field) {
				t.Fatalf("want error on %s, got %v", tc.field, err)
			}
		})
	}
	if n := len(PolicyYutai.Expand()); n != 5 {
		t.Fatalf("鱼台 expands to %d slots, want 5", n)
	}
}

// BenchmarkSuccessorInMemory is the computing part of a relay at a
// county's demo scale (216 volunteers, 100 elders, 193 active pairs):
// indexing the county and solver.SolveOne with every other pair fixed, no I/O.
func BenchmarkSuccessorInMemory(b *testing.B) {
	types := []string{registry.TypeNeighbour, registry.TypeNeighbour, registry.TypeUrban, registry.TypeUrban, registry.TypeGroup, registry.TypeDoctor, registry.TypePsychologist}
	villages := []string{"370101001001", "370101001002", "370101002001", "370101002002"}
	var vols []registry.Volunteer
	for i := range 216 {
		vols = append(vols, vol(fmt.Sprintf("v%03d", i), types[i%len(types)], villages[i%4], 36+float64(i%17)*0.01, 2))
	}
	var elders []registry.Elder
	var active []Pair
	for i := range 100 {
		e := elder(fmt.Sprintf("e%03d", i), villages[i%4], 36+float64(i%13)*0.01)
		elders = append(elders, e)
		for k := range 2 {
			if len(active) < 193 {
				active = append(active, Pair{ID: pairID(e.ID, k, 1), Elder: e.ID, Slot: k, Seq: 1, Volunteer: vols[(2*i+k)%len(vols)].ID, Status: PairActive})
			}
		}
	}
	e := elders[0]
	r := Relay{Elder: e.ID, Slot: 0, Seq: 2, OutgoingVolunteer: active[0].Volunteer}
	for b.Loop() {
		sc := newScope(county, DefaultSettings(county), vols, active[1:], nil)
		if _, err := sc.successor(&e, r); err != nil {
			b.Fatal(err)
		}
	}
}

// TestUsable: paused and departed volunteers are never proposed, nor
// untrained ones where the county requires training (rule V5).
func TestUsable(t *testing.T) {
	v := "370101001001"
	elders := []registry.Elder{elder("e1", v, 36.0)}
	vols := []registry.Volunteer{
		vol("paused", registry.TypeUrban, v, 36.0, 1), vol("left", registry.TypeUrban, v, 36.0, 1),
		vol("untrained", registry.TypeUrban, v, 36.0, 1), vol("trained", registry.TypeUrban, v, 36.2, 1), vol("far", registry.TypeUrban, v, 36.3, 1),
	}
	vols[0].Status, vols[1].Status, vols[3].Training = registry.VolPaused, registry.VolLeft, "attended"
	st := DefaultSettings(county)
	st.RequireTraining = true
	pl, err := newScope(county, st, vols, nil, nil).solve(elders, false)
	if err != nil {
		t.Fatal(err)
	}
	if pl.items[0].Volunteer != "trained" || pl.items[1].Volunteer != "" || pl.unfilled != 1 {
		t.Fatalf("with training required: %+v", pl.items)
	}
	pl, _ = newScope(county, DefaultSettings(county), vols, nil, nil).solve(elders, false)
	got := map[string]bool{pl.items[0].Volunteer: true, pl.items[1].Volunteer: true}
	if !got["untrained"] || !got["trained"] {
		t.Fatalf("without training required: %+v", pl.items)
	}
}
