package solver

// SolveOne proposes a successor for one slot while every other pair in sol stays as it is
// (rule P2: relay, so that no elder drops below the minimum of rule P1). The volunteer now on
// the slot, if any, is the one leaving: he is not proposed again and his place does not count
// against his capacity. The answer is exact under that constraint — the cheapest candidate arc
// of the slot whose volunteer has capacity left, is not already on the same elder and is not
// forbidden (ties go to the lower volunteer index): with all other pairs fixed, no
// reshuffling is allowed, so no augmenting path can do better.
//
// It returns an error wrapping ErrInvalid when the slot is out of range, is a Fixed slot, or
// sol does not fit p, and ErrNoCandidate when nobody can take the slot. It runs in time
// linear in the size of p and allocates one load counter per volunteer.
func SolveOne(p *Problem, sol *Solution, slot int32) (Arc, error) {
	nS, nV := int32(len(p.SlotElder)), int32(len(p.Capacity))
	if slot < 0 || slot >= nS {
		return Arc{}, invalidf("slot %d out of range", slot)
	}
	if int32(len(sol.Volunteer)) != nS {
		return Arc{}, invalidf("solution has %d slots, problem %d", len(sol.Volunteer), nS)
	}
	for _, a := range p.Fixed {
		if a.Slot == slot {
			return Arc{}, invalidf("slot %d is fixed", slot)
		}
	}
	leaving := sol.Volunteer[slot]
	elder := p.SlotElder[slot]
	load := make([]int32, nV)
	for s, v := range sol.Volunteer {
		if v < 0 || int32(s) == slot {
			continue
		}
		if v >= nV {
			return Arc{}, invalidf("slot %d has volunteer %d out of range", s, v)
		}
		load[v]++
		if p.SlotElder[s] == elder {
			load[v] = -1 << 30 // rule P1: already on this elder; marks v unusable below
		}
	}
	best := Arc{Slot: slot, Volunteer: -1}
	for _, a := range p.Arcs {
		if a.Slot != slot {
			continue
		}
		v := a.Volunteer
		if v < 0 || v >= nV {
			return Arc{}, invalidf("arc (%d,%d) out of range", a.Slot, v)
		}
		if v == leaving || load[v] < 0 || load[v] >= p.Capacity[v] {
			continue
		}
		if best.Volunteer < 0 || a.Cost < best.Cost || (a.Cost == best.Cost && v < best.Volunteer) {
			if !forbidden(p.Forbidden, slot, v) {
				best = a
			}
		}
	}
	if best.Volunteer < 0 {
		return Arc{}, ErrNoCandidate
	}
	return best, nil
}

func forbidden(list []Pair, s, v int32) bool {
	for _, f := range list {
		if f.Slot == s && f.Volunteer == v {
			return true
		}
	}
	return false
}

// Assign records arc a in sol, replacing whatever the slot had (a Volunteer of -1 opens the
// slot), and keeps the counts and the total cost up to date. It does not check feasibility;
// SolveOne's answers are feasible.
func (sol *Solution) Assign(a Arc) {
	s := a.Slot
	if sol.Volunteer[s] >= 0 {
		sol.Filled--
		sol.Unfilled++
		sol.Cost -= sol.SlotCost[s]
	}
	sol.Volunteer[s], sol.SlotCost[s] = a.Volunteer, 0
	if a.Volunteer >= 0 {
		sol.SlotCost[s] = a.Cost
		sol.Filled++
		sol.Unfilled--
		sol.Cost += a.Cost
	}
}
