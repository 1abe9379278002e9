package solver

import (
	"math"
	"slices"
)

// engine is the flow network of one Solve call in flat arrays. Its nodes are the open slots
// (0..nS-1) and the volunteers (nS..nS+nV-1); the (volunteer, elder) nodes of the textbook
// network (capacity 1, so that nobody serves one elder twice) are left implicit: a pair node
// has a single way out in the residual graph, so it is folded into the arcs around it.
type engine struct {
	nS, nV int
	shift  int64 // added to every arc cost so that all costs are >= 0
	big    int64 // cost of leaving a slot open; exceeds any difference of real costs

	adjStart []int32 // CSR of candidate arcs by slot
	adjVol   []int32
	adjCost  []int64

	grpOf    []int32 // group (elder) of each slot
	grpStart []int32 // slots of group g are grpSlot[grpStart[g]:grpStart[g+1]]
	grpSlot  []int32

	volSlot []int32 // slots filled by volunteer v: volSlot[nodes[v].lo : nodes[v].lo+nodes[v].mate]
	capR    []int32 // capacity left after Fixed pairs

	nodes []node  // slots, then volunteers
	heap  []entry // Dijkstra queue
	done  []int32 // nodes settled by the current search
}

// node holds everything the search touches about one node in one 64-byte record, so that
// visiting a node costs one cache miss rather than one per array.
type node struct {
	pi   int64 // potential
	dist int64 // tentative distance of the current search
	take int64 // shifted cost the pred slot pays for this node's volunteer
	cost int64 // slot: shifted cost of its pair
	pred int32 // slot that takes over this node's volunteer on the augmenting path
	hpos int32 // position in the heap while queued
	mate int32 // slot: its volunteer or -1; volunteer: number of slots it fills
	cap  int32 // volunteer: capacity left
	lo   int32 // slot: first arc; volunteer: first entry in volSlot
	hi   int32 // slot: end of arcs
	sib  int32 // slot: first of its elder's slots in grpSlot
	nsib uint16
	st   uint8
}

// newEngine validates p and builds the network for its open slots: Fixed pairs use up
// capacity and exclude their volunteer from the elder's other slots (rule P1: two different
// volunteers), Forbidden pairs and duplicate arcs are dropped.
func newEngine(p *Problem) (*engine, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	nS, nV := len(p.SlotElder), len(p.Capacity)
	e := &engine{nS: nS, nV: nV}
	e.groupSlots(p.SlotElder)

	fixedVol := make([]int32, nS)
	for i := range fixedVol {
		fixedVol[i] = -1
	}
	e.capR = slices.Clone(p.Capacity)
	for _, a := range p.Fixed {
		if fixedVol[a.Slot] >= 0 {
			return nil, invalidf("slot %d fixed twice", a.Slot)
		}
		g := e.grpOf[a.Slot]
		for _, t := range e.grpSlot[e.grpStart[g]:e.grpStart[g+1]] {
			if fixedVol[t] == a.Volunteer {
				return nil, invalidf("volunteer %d fixed twice on elder %d", a.Volunteer, p.SlotElder[a.Slot])
			}
		}
		fixedVol[a.Slot] = a.Volunteer
		if e.capR[a.Volunteer]--; e.capR[a.Volunteer] < 0 {
			return nil, invalidf("fixed pairs exceed capacity of volunteer %d", a.Volunteer)
		}
	}

	// Counting sort of the arcs by slot.
	e.adjStart = make([]int32, nS+1)
	minCost := int64(math.MaxInt64)
	for _, a := range p.Arcs {
		e.adjStart[a.Slot+1]++
		minCost = min(minCost, a.Cost)
	}
	for s := 0; s < nS; s++ {
		e.adjStart[s+1] += e.adjStart[s]
	}
	m := len(p.Arcs)
	e.adjVol, e.adjCost = make([]int32, m), make([]int64, m)
	fill := slices.Clone(e.adjStart[:nS])
	for _, a := range p.Arcs {
		i := fill[a.Slot]
		fill[a.Slot]++
		e.adjVol[i], e.adjCost[i] = a.Volunteer, a.Cost
	}
	if m > 0 && minCost < 0 {
		e.shift = -minCost
	}
	if err := e.filterArcs(p, fixedVol); err != nil {
		return nil, err
	}
	if err := e.initState(); err != nil {
		return nil, err
	}
	return e, nil
}

// groupSlots sorts the slots by elder so that a slot's siblings are one short slice.
func (e *engine) groupSlots(elder []int32) {
	keys := make([]uint64, len(elder))
	for s, el := range elder {
		keys[s] = uint64(el)<<32 | uint64(s)
	}
	slices.Sort(keys)
	e.grpOf = make([]int32, len(elder))
	e.grpSlot = make([]int32, len(elder))
	e.grpStart = e.grpStart[:0]
	prev := int64(-1)
	for i, k := range keys {
		if int64(k>>32) != prev {
			e.grpStart = append(e.grpStart, int32(i))
			prev = int64(k >> 32)
		}
		s := int32(uint32(k))
		e.grpSlot[i] = s
		e.grpOf[s] = int32(len(e.grpStart) - 1)
	}
	e.grpStart = append(e.grpStart, int32(len(elder)))
}

// filterArcs compacts the CSR in place, keeping per slot the cheapest arc to each usable
// volunteer, and sets the cost of leaving a slot open.
func (e *engine) filterArcs(p *Problem, fixedVol []int32) error {
	forb := make([]uint64, len(p.Forbidden))
	for i, f := range p.Forbidden {
		forb[i] = uint64(f.Slot)<<32 | uint64(f.Volunteer)
	}
	slices.Sort(forb)
	stamp := make([]int32, e.nV) // stamp[v] == s+1: v already seen (or banned) for slot s
	where := make([]int32, e.nV)
	deg := make([]int32, e.nV)
	var out int32
	var sumMax int64
	fi := 0
	for s := 0; s < e.nS; s++ {
		lo, hi := e.adjStart[s], e.adjStart[s+1]
		e.adjStart[s] = out
		if fixedVol[s] >= 0 {
			continue
		}
		tag := int32(s + 1)
		for ; fi < len(forb) && int(forb[fi]>>32) <= s; fi++ {
			if int(forb[fi]>>32) == s {
				stamp[uint32(forb[fi])], where[uint32(forb[fi])] = tag, -1
			}
		}
		g := e.grpOf[s]
		for _, t := range e.grpSlot[e.grpStart[g]:e.grpStart[g+1]] {
			if v := fixedVol[t]; v >= 0 {
				stamp[v], where[v] = tag, -1 // rule P1: already on this elder
			}
		}
		start, maxC := out, int64(0)
		for i := lo; i < hi; i++ {
			v, c := e.adjVol[i], e.adjCost[i]+e.shift
			if e.capR[v] == 0 {
				continue
			}
			if stamp[v] == tag {
				if w := where[v]; w >= 0 && c < e.adjCost[w] {
					e.adjCost[w] = c
				}
				continue
			}
			stamp[v], where[v] = tag, out
			e.adjVol[out], e.adjCost[out] = v, c
			deg[v]++
			out++
		}
		for i := start; i < out; i++ {
			maxC = max(maxC, e.adjCost[i])
		}
		if sumMax += maxC; sumMax > math.MaxInt64/8 {
			return invalidf("costs too large to sum safely")
		}
	}
	e.adjStart[e.nS] = out
	e.adjVol, e.adjCost = e.adjVol[:out:out], e.adjCost[:out:out]
	// Leaving a slot open must cost more than any real augmenting path can save or spend,
	// which makes coverage the first objective (rule P1) and cost only the second.
	e.big = 2*sumMax + 1
	for v := range e.capR {
		e.capR[v] = min(e.capR[v], deg[v])
	}
	return nil
}

func (e *engine) initState() error {
	e.nodes = make([]node, e.nS+e.nV)
	for s := 0; s < e.nS; s++ {
		g := e.grpOf[s]
		n := e.grpStart[g+1] - e.grpStart[g]
		if n > math.MaxUint16 {
			return invalidf("elder %d has %d slots, more than %d", g, n, math.MaxUint16)
		}
		e.nodes[s] = node{mate: -1, lo: e.adjStart[s], hi: e.adjStart[s+1], sib: e.grpStart[g], nsib: uint16(n)}
	}
	var at int32
	for v := 0; v < e.nV; v++ {
		e.nodes[e.nS+v] = node{cap: e.capR[v], lo: at}
		at += e.capR[v]
	}
	e.volSlot = make([]int32, at)
	return nil
}
