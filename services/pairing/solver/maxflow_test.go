package solver

import (
	"math/rand/v2"
	"testing"
)

// minCostMaxFlow is an independent oracle: the textbook network source -> volunteer
// (capacity) -> (volunteer, elder) (1) -> slot (1) -> sink, solved by successive shortest
// paths with Bellman–Ford (SPFA) from the source. It returns the maximum number of filled
// slots and the least cost among pairings that fill that many (Fixed and Forbidden ignored).
func minCostMaxFlow(p *Problem) (int, int64) {
	type key struct{ v, e int32 }
	var to, next, capa []int
	var cost []int64
	var head []int
	addNode := func() int { head = append(head, -1); return len(head) - 1 }
	addEdge := func(u, v, c int, w int64) {
		to, capa, cost, next = append(to, v), append(capa, c), append(cost, w), append(next, head[u])
		head[u] = len(to) - 1
		to, capa, cost, next = append(to, u), append(capa, 0), append(cost, -w), append(next, head[v])
		head[v] = len(to) - 1
	}
	src, sink := addNode(), addNode()
	slot0 := len(head)
	for range p.SlotElder {
		addEdge(addNode(), sink, 1, 0)
	}
	vol0 := len(head)
	for _, c := range p.Capacity {
		addEdge(src, addNode(), int(c), 0)
	}
	pairID := map[key]int{}
	for _, a := range p.Arcs {
		k := key{a.Volunteer, p.SlotElder[a.Slot]}
		id, ok := pairID[k]
		if !ok {
			id = addNode()
			pairID[k] = id
			addEdge(vol0+int(a.Volunteer), id, 1, 0)
		}
		addEdge(id, slot0+int(a.Slot), 1, a.Cost)
	}
	n := len(head)
	dist, inQ, via := make([]int64, n), make([]bool, n), make([]int, n)
	flow, total := 0, int64(0)
	for {
		for i := range dist {
			dist[i], via[i] = 1<<62, -1
		}
		dist[src] = 0
		q := []int{src}
		for len(q) > 0 {
			u := q[0]
			q = q[1:]
			inQ[u] = false
			for e := head[u]; e >= 0; e = next[e] {
				if capa[e] > 0 && dist[u]+cost[e] < dist[to[e]] {
					dist[to[e]], via[to[e]] = dist[u]+cost[e], e
					if !inQ[to[e]] {
						inQ[to[e]] = true
						q = append(q, to[e])
					}
				}
			}
		}
		if via[sink] < 0 {
			return flow, total
		}
		for v := sink; v != src; v = to[via[v]^1] {
			capa[via[v]]--
			capa[via[v]^1]++
		}
		flow++
		total += dist[sink]
	}
}

// TestSolveMatchesMinCostFlow checks exactness beyond brute-force sizes: random instances of
// up to 120 slots and a small generated province against the textbook min-cost max-flow.
func TestSolveMatchesMinCostFlow(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var problems []*Problem
	for i := 0; i < 60; i++ {
		nS, nV := 10+r.IntN(110), 5+r.IntN(80)
		p := &Problem{SlotElder: make([]int32, nS), Capacity: make([]int32, nV)}
		for s := range p.SlotElder {
			p.SlotElder[s] = int32(s / (1 + r.IntN(3)))
		}
		for v := range p.Capacity {
			p.Capacity[v] = int32(1 + r.IntN(3))
		}
		deg := 1 + r.IntN(8)
		for s := 0; s < nS; s++ {
			for k := 0; k < deg; k++ {
				p.Arcs = append(p.Arcs, Arc{int32(s), int32(r.IntN(nV)), r.Int64N(100)})
			}
		}
		problems = append(problems, p)
	}
	problems = append(problems, Generate(400, 800, 3).Problem, Generate(300, 400, 4).Problem)
	for i, p := range problems {
		sol, err := Solve(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Check(sol); err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		f, c := minCostMaxFlow(p)
		if sol.Filled != f || sol.Cost != c {
			t.Fatalf("instance %d: filled %d cost %d, min-cost flow %d %d", i, sol.Filled, sol.Cost, f, c)
		}
	}
}
