package solver

import "math"

const (
	unseen uint8 = iota
	queued
	settled
)

// Solve fills as many open slots of p as possible (rule P1: full coverage first) and, among
// all pairings that fill that many, returns one of minimum total cost (rule P4). Fixed pairs
// are kept and Forbidden pairs never used. It returns an error wrapping ErrInvalid when p is
// malformed or its Fixed pairs are infeasible.
//
// The method is successive shortest paths with Dijkstra over reduced costs (Johnson
// potentials), augmenting from one open slot at a time and stopping each search as soon as
// the cheapest way to place that slot is known. Leaving a slot open is an arc of cost "big";
// since every slot is then placed in a minimum-cost way, the result is optimal for the
// lexicographic objective (coverage, then cost).
func Solve(p *Problem) (*Solution, error) {
	e, err := newEngine(p)
	if err != nil {
		return nil, err
	}
	for s := 0; s < e.nS; s++ {
		if n := &e.nodes[s]; n.lo < n.hi {
			e.augment(int32(s))
		}
	}
	return e.solution(p), nil
}

func (e *engine) solution(p *Problem) *Solution {
	sol := &Solution{Volunteer: make([]int32, e.nS), SlotCost: make([]int64, e.nS)}
	for s := range sol.Volunteer {
		n := &e.nodes[s]
		sol.Volunteer[s] = n.mate
		if n.mate >= 0 {
			sol.SlotCost[s] = n.cost - e.shift
		}
	}
	for _, a := range p.Fixed {
		sol.Volunteer[a.Slot], sol.SlotCost[a.Slot] = a.Volunteer, a.Cost
	}
	for s, v := range sol.Volunteer {
		if v >= 0 {
			sol.Filled++
			sol.Cost += sol.SlotCost[s]
		}
	}
	sol.Unfilled = e.nS - sol.Filled
	return sol
}

// augment places the open slot s0 by a shortest augmenting path in the residual network.
// Reduced cost of an arc a->b is cost + pi[a] - pi[b] >= 0. Residual arcs, seen from a slot
// looking for a volunteer:
//   - slot s -> volunteer v for a candidate arc, cost c(s,v), when v is not yet on s's elder;
//   - slot s -> sibling slot t when v already fills t of the same elder: v moves from t to s,
//     cost c(s,v) - c(t,v) (the folded pair node; rule P1 forbids v on both);
//   - volunteer v -> slot t that v fills: v drops t, cost -c(t,v);
//   - volunteer v -> end when v has capacity left (cost 0), slot s -> end at cost big (s open).
func (e *engine) augment(s0 int32) {
	nS := int32(e.nS)
	nodes := e.nodes
	best, term := int64(math.MaxInt64), int32(-1)
	e.done = e.done[:0]
	e.heap = e.heap[:0]
	nodes[s0].dist = 0
	e.push(s0, 0)
	for len(e.heap) > 0 {
		top := e.heap[0]
		x, dx := top.x, top.d
		if dx >= best {
			break
		}
		e.pop()
		nx := &nodes[x]
		nx.st = settled
		e.done = append(e.done, x)
		base := dx + nx.pi
		if x >= nS {
			if nx.mate < nx.cap {
				if base < best {
					best, term = base, x
				}
				continue
			}
			for _, t := range e.volSlot[nx.lo : nx.lo+nx.mate] {
				nt := &nodes[t]
				e.relax(t, nt, base-nt.cost-nt.pi, nx.pred, nx.take, best)
			}
			continue
		}
		if t := base + e.big; t < best {
			best, term = t, x
		}
		own := nx.mate
		sib := e.grpSlot[nx.sib : nx.sib+int32(nx.nsib)]
		for i := nx.lo; i < nx.hi; i++ {
			v := e.adjVol[i]
			if v == own {
				continue
			}
			c := e.adjCost[i]
			y := nS + v
			nd := base + c
			if len(sib) > 1 {
				for _, t := range sib {
					if t != x && nodes[t].mate == v {
						y = t
						nd -= nodes[t].cost
						break
					}
				}
			}
			ny := &nodes[y]
			e.relax(y, ny, nd-ny.pi, x, c, best)
		}
	}
	for _, x := range e.done {
		n := &nodes[x]
		n.pi += n.dist - best
		n.st = unseen
	}
	for _, h := range e.heap {
		nodes[h.x].st = unseen
	}
	e.apply(s0, term)
}

// relax offers distance nd to node y, reached on behalf of slot from paying cost c.
func (e *engine) relax(y int32, ny *node, nd int64, from int32, c int64, best int64) {
	if nd >= best {
		return
	}
	switch ny.st {
	case unseen:
		ny.dist, ny.pred, ny.take = nd, from, c
		e.push(y, nd)
	case queued:
		if nd < ny.dist {
			ny.dist, ny.pred, ny.take = nd, from, c
			e.heap[ny.hpos].d = nd
			e.up(ny.hpos)
		}
	}
}

// apply shifts the pairs along the path that ends at term: a volunteer with spare capacity,
// or a slot that is left open (term == s0 leaves s0 itself open).
func (e *engine) apply(s0, term int32) {
	nS := int32(e.nS)
	nodes := e.nodes
	var s, v int32
	var c int64
	if term >= nS {
		s, v, c = nodes[term].pred, term-nS, nodes[term].take
	} else {
		if term == s0 {
			return
		}
		old := nodes[term].mate
		e.unassign(term, old)
		s, v, c = nodes[term].pred, old, nodes[term].take
	}
	for {
		ns := &nodes[s]
		old := ns.mate
		if old >= 0 {
			e.unassign(s, old)
		}
		ns.mate, ns.cost = v, c
		nv := &nodes[nS+v]
		e.volSlot[nv.lo+nv.mate] = s
		nv.mate++
		if s == s0 {
			return
		}
		s, v, c = ns.pred, old, ns.take
	}
}

func (e *engine) unassign(s, v int32) {
	nv := &e.nodes[int32(e.nS)+v]
	lst := e.volSlot[nv.lo : nv.lo+nv.mate]
	for i, t := range lst {
		if t == s {
			lst[i] = lst[len(lst)-1]
			break
		}
	}
	nv.mate--
	e.nodes[s].mate = -1
}

// The Dijkstra queue is an indexed 4-ary min-heap. Entries carry their key so that sifting
// compares within the heap's own memory; each node's position is in node.hpos, so that a
// shorter distance moves the entry up in place (decrease-key). Written out by hand because
// container/heap's interface calls would cost more than the search itself.

// entry is a queued node x at tentative distance d.
type entry struct {
	d int64
	x int32
}

func (e *engine) push(x int32, d int64) {
	e.nodes[x].st = queued
	e.heap = append(e.heap, entry{d, x})
	e.up(int32(len(e.heap) - 1))
}

func (e *engine) up(i int32) {
	h := e.heap
	it := h[i]
	for i > 0 {
		p := (i - 1) / 4
		if h[p].d <= it.d {
			break
		}
		h[i] = h[p]
		e.nodes[h[i].x].hpos = i
		i = p
	}
	h[i] = it
	e.nodes[it.x].hpos = i
}

// pop removes the root; the caller has read it already.
func (e *engine) pop() {
	h := e.heap
	n := int32(len(h) - 1)
	last := h[n]
	e.heap = h[:n]
	if n == 0 {
		return
	}
	h = e.heap
	i := int32(0)
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m, dm := c, h[c].d
		end := min(c+4, n)
		for j := c + 1; j < end; j++ {
			if h[j].d < dm {
				m, dm = j, h[j].d
			}
		}
		if dm >= last.d {
			break
		}
		h[i] = h[m]
		e.nodes[h[i].x].hpos = i
		i = m
	}
	h[i] = last
	e.nodes[last.x].hpos = i
}
