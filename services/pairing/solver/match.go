package solver

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// Role is what a volunteer is recruited as, and what a slot asks for (rule P3).
type Role uint8

const (
	// RoleNeighbour is a neighbour volunteer (邻里互助) living in or near the elder's village.
	RoleNeighbour Role = iota
	// RoleUrban is an urban volunteer (城乡互助) living in the county town.
	RoleUrban
	// RoleDoctor is a young doctor (济宁鱼台 rule).
	RoleDoctor
	// RolePsychologist is a psychological counsellor (济宁鱼台 rule).
	RolePsychologist
	// RoleGroup is a youth group of at least three (济宁鱼台 rule).
	RoleGroup
	// RoleAny accepts any volunteer (default rule); it is a slot role only.
	RoleAny
)

// Skill is a bit set of the skills of rule V4, used for elders' needs too (rule P4).
type Skill uint16

// The skills volunteers offer (rule V4).
const (
	SkillMassage Skill = 1 << iota
	SkillOpera
	SkillApplianceRepair
	SkillHaircut
	SkillCooking
	SkillMedical
	SkillCounselling
	SkillHouseRepair
)

// Point is a position in metres on a flat projection of the province.
type Point struct{ X, Y int32 }

// Dist is the straight-line distance in metres.
func (p Point) Dist(q Point) int64 {
	dx, dy := float64(p.X-q.X), float64(p.Y-q.Y)
	return int64(math.Sqrt(dx*dx + dy*dy))
}

// Elder is what matching needs to know about an elder (rules E2, P4).
type Elder struct {
	County int32
	At     Point
	Needs  Skill
	Days   uint8 // weekdays (bit 0 = Monday) on which visits suit the elder
}

// Volunteer is what matching needs to know about a volunteer (rules V2, V4, P4).
type Volunteer struct {
	Role     Role
	County   int32
	At       Point
	Capacity int32 // elders the volunteer can take on
	Skills   Skill
	Days     uint8 // weekdays the volunteer can give
}

// SlotSpec is one slot to fill: an elder (index into the elders) and the role it asks for.
type SlotSpec struct {
	Elder int32
	Role  Role
}

// MatchOptions tunes candidate generation; zero fields take the defaults noted.
type MatchOptions struct {
	K               int   // most candidates kept per slot (24)
	NeighbourRadius int32 // metres a neighbour volunteer may live from the elder (5000)
	SkillPenalty    int64 // added per need the volunteer's skills do not cover (8)
	TimePenalty     int64 // added when elder and volunteer share no weekday (15)
}

func (o MatchOptions) withDefaults() MatchOptions {
	if o.K <= 0 {
		o.K = 24
	}
	if o.NeighbourRadius <= 0 {
		o.NeighbourRadius = 5000
	}
	if o.SkillPenalty == 0 {
		o.SkillPenalty = 8
	}
	if o.TimePenalty == 0 {
		o.TimePenalty = 15
	}
	return o
}

// Eligible reports whether v may fill a slot asking for role for elder e (rule P3): a
// neighbour volunteer must live within the radius, any other role must be of the elder's county.
func Eligible(role Role, e *Elder, v *Volunteer, opt MatchOptions) bool {
	opt = opt.withDefaults()
	if role != RoleAny && role != v.Role {
		return false
	}
	if v.Role == RoleNeighbour {
		return e.At.Dist(v.At) <= int64(opt.NeighbourRadius)
	}
	return v.County == e.County
}

// PairCost is the cost of v serving e (rule P4): distance in units of 100 m, plus a penalty
// per need of e that v's skills do not cover and one when they share no weekday.
func PairCost(e *Elder, v *Volunteer, opt MatchOptions) int64 {
	opt = opt.withDefaults()
	c := e.At.Dist(v.At) / 100
	c += opt.SkillPenalty * int64(bits.OnesCount16(uint16(e.Needs&^v.Skills)))
	if e.Days&v.Days == 0 {
		c += opt.TimePenalty
	}
	return c
}

// Candidates builds the candidate arcs for slots (rules P3, P4), each at its PairCost: for a
// neighbour slot the K nearest neighbour volunteers within the radius; for a slot of another
// role K volunteers of that role from the elder's county, who serve the whole county and are
// short-listed by a fixed hash of elder and volunteer (ranking them by distance or skill
// would make every elder short-list the same few); a slot open to any role takes half of
// each. Only volunteers with capacity count; skills and time reach the optimiser through the
// cost. The result depends only on the inputs; a slot's Elder must index elders.
func Candidates(elders []Elder, vols []Volunteer, slots []SlotSpec, opt MatchOptions) []Arc {
	opt = opt.withDefaults()
	idx := newVolIndex(vols, opt.NeighbourRadius)
	r2 := int64(opt.NeighbourRadius) * int64(opt.NeighbourRadius)
	arcs := make([]Arc, 0, len(slots)*opt.K)
	top := make([]cand, 0, opt.K)
	var picked []int32
	for s, sp := range slots {
		e := &elders[sp.Elder]
		// A slot open to any role short-lists half neighbours and half others: neighbours are
		// always nearer, and a list of neighbours only would crowd one village's few.
		kNear, kFar := opt.K, opt.K
		if sp.Role == RoleAny {
			kNear, kFar = (opt.K+1)/2, opt.K/2
		}
		top = top[:0]
		if sp.Role == RoleNeighbour || sp.Role == RoleAny {
			idx.near(e.At, func(v int32) {
				if d := dist2(e.At, vols[v].At); d <= r2 {
					top = keepBest(top, cand{d, mix(sp.Elder, v), v}, kNear)
				}
			})
		}
		slices.SortFunc(top, func(a, b cand) int { return a.less(b) })
		for _, c := range top {
			arcs = append(arcs, Arc{int32(s), c.vol, PairCost(e, &vols[c.vol], opt)})
		}
		if sp.Role != RoleNeighbour && sp.Role <= RoleAny && e.County >= 0 && int(e.County) < len(idx.byCounty) {
			list := idx.byCounty[e.County][sp.Role]
			picked = sample(picked[:0], len(list), kFar, uint64(mix(sp.Elder, int32(sp.Role))))
			for _, i := range picked {
				v := list[i]
				arcs = append(arcs, Arc{int32(s), v, PairCost(e, &vols[v], opt)})
			}
		}
	}
	return arcs
}

func dist2(p, q Point) int64 {
	dx, dy := int64(p.X-q.X), int64(p.Y-q.Y)
	return dx*dx + dy*dy
}

// mix is a fixed hash of an (elder, volunteer) pair, used to break ties.
func mix(e, v int32) uint32 {
	x := uint64(uint32(e))<<32 | uint64(uint32(v))
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return uint32(x)
}

type cand struct {
	dist int64 // squared, in m²
	tie  uint32
	vol  int32
}

func (a cand) less(b cand) int {
	if c := cmp.Compare(a.dist, b.dist); c != 0 {
		return c
	}
	if c := cmp.Compare(a.tie, b.tie); c != 0 {
		return c
	}
	return cmp.Compare(a.vol, b.vol)
}

// keepBest keeps the k best candidates in a max-heap (worst at the root).
func keepBest(h []cand, c cand, k int) []cand {
	if len(h) == k {
		if c.less(h[0]) >= 0 {
			return h
		}
		h[0] = c
		for i := 0; ; {
			l, m := 2*i+1, i
			if l < k && h[l].less(h[m]) > 0 {
				m = l
			}
			if l+1 < k && h[l+1].less(h[m]) > 0 {
				m = l + 1
			}
			if m == i {
				return h
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	h = append(h, c)
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if h[p].less(h[i]) >= 0 {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	return h
}
