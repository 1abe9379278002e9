package pairing

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"jinhui/services/pairing/solver"
	"jinhui/services/registry"
)

// maxArcs is the most candidates kept per slot: the cheapest ones, so the
// optimiser works on a sparse graph (issue 4).
const maxArcs = 40

// scope is what matching needs about one county: its settings, its
// volunteers and its active pairs.
type scope struct {
	county string
	set    Settings
	slots  []SlotRule
	vols   []registry.Volunteer
	vidx   map[string]int32
	ok     []bool
	active []Pair
	forbid map[string][]int32 // elder → forbidden volunteers
	pins   map[string][]Rule  // elder → active pins
}

func (s *Service) loadScope(ctx context.Context, county string) (*scope, error) {
	st, err := s.settings(ctx, county)
	if err != nil {
		return nil, err
	}
	var vols []registry.Volunteer
	if err := s.Store.AllVolunteers(ctx, county, func(v registry.Volunteer) error { vols = append(vols, v); return nil }); err != nil {
		return nil, fmt.Errorf("pairing.loadScope: %w", err)
	}
	active, err := s.Store.Pairs(ctx, PairFilter{County: county, Status: PairActive})
	if err != nil {
		return nil, fmt.Errorf("pairing.loadScope: %w", err)
	}
	rules, err := s.Store.Rules(ctx, RuleFilter{County: county, ActiveOnly: true})
	if err != nil {
		return nil, fmt.Errorf("pairing.loadScope: %w", err)
	}
	return newScope(county, st, vols, active, rules), nil
}

// newScope indexes a county's volunteers, active pairs and rules.
func newScope(county string, st Settings, vols []registry.Volunteer, active []Pair, rules []Rule) *scope {
	sc := &scope{county: county, set: st, slots: st.Policy.Expand(), vols: vols, vidx: map[string]int32{}, active: active,
		forbid: map[string][]int32{}, pins: map[string][]Rule{}}
	for i := range vols {
		sc.vidx[vols[i].ID] = int32(i)
		sc.ok = append(sc.ok, usable(&vols[i], st.RequireTraining) == "")
	}
	for _, r := range rules {
		vi, ok := sc.vidx[r.Volunteer]
		if !ok || !r.Active {
			continue
		}
		if r.Kind == RuleForbid {
			sc.forbid[r.Elder] = append(sc.forbid[r.Elder], vi)
		} else {
			sc.pins[r.Elder] = append(sc.pins[r.Elder], r)
		}
	}
	return sc
}

// plan is a solved problem over some elders of a scope.
type plan struct {
	items    []Item
	warnings []string
	filled   int
	unfilled int
	cost     int64
}

// solve pairs elders (all of sc's county) with sc's volunteers (rules
// P1–P4): existing pairs are kept unless repair, pins are fixed, forbids
// excluded, capacities counted across the whole county.
func (sc *scope) solve(elders []registry.Elder, repair bool) (plan, error) {
	N, E, V := len(sc.slots), len(elders), len(sc.vols)
	var pl plan
	in := make(map[string]int, E)
	for i, e := range elders {
		in[e.ID] = i
	}
	prob := &solver.Problem{SlotElder: make([]int32, E*N), Capacity: make([]int32, V)}
	for i := range prob.SlotElder {
		prob.SlotElder[i] = int32(i / N)
	}
	outside, fixed := make([]int32, V), make([]int32, V)
	current := make(map[int]Pair)
	fixedSlot := make([]bool, E*N)
	onSlot := make([]int32, E*N) // the fixed volunteer of each slot
	pinned := map[int]string{}
	forbid := func(ei int, vi int32) {
		for k := range N {
			prob.Forbidden = append(prob.Forbidden, solver.Pair{Slot: int32(ei*N + k), Volunteer: vi})
		}
	}
	cost := func(ei int, vi int32) (int64, Explanation) {
		return explain(&elders[ei], &sc.vols[vi], sc.set.Weights)
	}
	costOnly := func(ei int, vi int32) int64 { return costOf(&elders[ei], &sc.vols[vi], sc.set.Weights) }
	for _, pr := range sc.active {
		vi, ok := sc.vidx[pr.Volunteer]
		if !ok {
			continue
		}
		ei, here := in[pr.Elder]
		switch {
		case !here:
			outside[vi]++
		case pr.Slot >= N:
			outside[vi]++
			forbid(ei, vi)
		default:
			sid := ei*N + pr.Slot
			current[sid] = pr
			if !repair {
				prob.Fixed = append(prob.Fixed, solver.Arc{Slot: int32(sid), Volunteer: vi, Cost: costOnly(ei, vi)})
				fixedSlot[sid], onSlot[sid] = true, vi
				fixed[vi]++
			}
		}
	}
	for vi := range sc.vols {
		if sc.ok[vi] {
			prob.Capacity[vi] = max(int32(sc.vols[vi].Capacity)-outside[vi], 0)
		}
		prob.Capacity[vi] = max(prob.Capacity[vi], fixed[vi])
	}
	for ei, e := range elders {
		for _, vi := range sc.forbid[e.ID] {
			forbid(ei, vi)
		}
		for _, r := range sc.pins[e.ID] {
			vi := sc.vidx[r.Volunteer]
			v := &sc.vols[vi]
			slot, done := -1, false
			for k := range N {
				sid := ei*N + k
				if fixedSlot[sid] && onSlot[sid] == vi {
					pinned[sid], done = r.Reason, true
				}
			}
			if done {
				continue
			}
			if !sc.ok[vi] || prob.Capacity[vi]-fixed[vi] <= 0 {
				pl.warnings = append(pl.warnings, fmt.Sprintf("指定结对 %s—%s 未能执行: 志愿者不可用或名额已满", e.Name, v.Name))
				continue
			}
			for k := range N {
				sid := ei*N + k
				if !fixedSlot[sid] && fits(sc.slots[k], &e, v) && (slot < 0 || current[sid].Volunteer == v.ID) {
					slot = k
				}
			}
			if slot < 0 {
				pl.warnings = append(pl.warnings, fmt.Sprintf("指定结对 %s—%s 未能执行: 没有符合本县规则的空岗位", e.Name, v.Name))
				continue
			}
			sid := ei*N + slot
			prob.Fixed = append(prob.Fixed, solver.Arc{Slot: int32(sid), Volunteer: vi, Cost: costOnly(ei, vi)})
			fixedSlot[sid], onSlot[sid], pinned[sid] = true, vi, r.Reason
			fixed[vi]++
		}
	}
	type cand struct {
		vi int32
		c  int64
	}
	var cs []cand
	for ei := range elders {
		costs := map[int32]int64{}
		for k := range N {
			sid := ei*N + k
			if fixedSlot[sid] {
				continue
			}
			cs = cs[:0]
			for vi := range sc.vols {
				v32 := int32(vi)
				if !sc.ok[vi] || prob.Capacity[vi] == 0 || !fits(sc.slots[k], &elders[ei], &sc.vols[vi]) {
					continue
				}
				c, seen := costs[v32]
				if !seen {
					c = costOnly(ei, v32)
					costs[v32] = c
				}
				cs = append(cs, cand{v32, c})
			}
			slices.SortFunc(cs, func(a, b cand) int { return cmp.Or(cmp.Compare(a.c, b.c), cmp.Compare(a.vi, b.vi)) })
			for _, c := range cs[:min(len(cs), maxArcs)] {
				prob.Arcs = append(prob.Arcs, solver.Arc{Slot: int32(sid), Volunteer: c.vi, Cost: c.c})
			}
		}
	}
	sol, err := solver.Solve(prob)
	if err != nil {
		return pl, fmt.Errorf("pairing.solve: %w", err)
	}
	pl.filled, pl.unfilled, pl.cost = sol.Filled, sol.Unfilled, sol.Cost
	for sid, vi := range sol.Volunteer {
		ei, k := sid/N, sid%N
		e := &elders[ei]
		it := Item{Elder: e.ID, ElderName: e.Name, Village: e.Village, Slot: k, Role: sc.slots[k].Role, Current: current[sid].Volunteer}
		if vi < 0 {
			it.State, it.Error = ItemOpen, "没有符合条件且有名额的志愿者"
			pl.items = append(pl.items, it)
			continue
		}
		v := &sc.vols[vi]
		it.Volunteer, it.VolunteerName, it.VolunteerType = v.ID, v.Name, v.Type
		it.Cost, it.Explanation = cost(ei, vi)
		if r, ok := pinned[sid]; ok {
			it.Explanation.Pinned = r
			it.Explanation.Text = it.Explanation.summary()
		}
		it.State = ItemProposed
		if it.Current == v.ID {
			it.State = ItemKept
		}
		pl.items = append(pl.items, it)
	}
	return pl, nil
}
