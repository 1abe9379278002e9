package solver

import (
	"math/rand/v2"
)

// Rule is a county's pairing rule (rule P3).
type Rule uint8

const (
	// RuleDefault pairs any two volunteers with each elder.
	RuleDefault Rule = iota
	// RuleLiaocheng pairs one neighbour volunteer and one urban volunteer (聊城).
	RuleLiaocheng
	// RuleYutai pairs a youth group, a young doctor and a psychologist (济宁鱼台).
	RuleYutai
)

// Roles lists the slot roles the rule asks for, one per slot (rules P1, P3).
func (r Rule) Roles() []Role {
	switch r {
	case RuleLiaocheng:
		return []Role{RoleNeighbour, RoleUrban}
	case RuleYutai:
		return []Role{RoleGroup, RoleDoctor, RolePsychologist}
	}
	return []Role{RoleAny, RoleAny}
}

// County is a county of the generated province: its town and its pairing rule.
type County struct {
	Town Point
	Rule Rule
}

// Instance is a generated province: people, slots, and the pairing Problem built from them
// with default MatchOptions (slot i of Problem is Slots[i], volunteer j is Volunteers[j]).
type Instance struct {
	Counties   []County
	Villages   []Point
	Elders     []Elder
	Volunteers []Volunteer
	Slots      []SlotSpec
	Problem    *Problem
}

// Province size: about Shandong's (≈500 × 310 km) cut into a 10 × 10 grid of counties
// (rule R1: 100 counties), ten townships per county.
const (
	provinceW  = 500_000
	provinceH  = 310_000
	countyGrid = 10
	townships  = 10
)

// Generate builds a province-like instance with the given numbers of elders and volunteers
// (rule R1 reports 10,288 pairs and 21,087 volunteers); the same seed gives the same instance.
// Villages (about one per 8 elders) cluster around township centres; elders live in villages;
// neighbour volunteers in villages, urban volunteers, doctors and psychologists in county towns,
// youth groups in townships. Each county draws a pairing rule (rule P3).
func Generate(elders, volunteers int, seed int64) *Instance {
	r := rand.New(rand.NewPCG(uint64(seed), 0x6a696e687569))
	in := &Instance{}
	cw, ch := int32(provinceW/countyGrid), int32(provinceH/countyGrid)
	nC := countyGrid * countyGrid
	weight := make([]float64, nC)
	town := make([]Point, nC*townships)
	for c := 0; c < nC; c++ {
		x0, y0 := int32(c%countyGrid)*cw, int32(c/countyGrid)*ch
		rule := RuleLiaocheng
		switch u := r.Float64(); {
		case u < 0.05:
			rule = RuleYutai
		case u < 0.40:
			rule = RuleDefault
		}
		in.Counties = append(in.Counties, County{Town: Point{x0 + cw/4 + r.Int32N(cw/2), y0 + ch/4 + r.Int32N(ch/2)}, Rule: rule})
		weight[c] = 0.5 + r.Float64()
		for t := 0; t < townships; t++ {
			town[c*townships+t] = Point{x0 + r.Int32N(cw), y0 + r.Int32N(ch)}
		}
	}
	pickCounty := cumulative(weight)

	nVil := max(1, elders/8)
	villageCounty := make([]int32, nVil)
	byCounty := make([][]int32, nC)
	for i := 0; i < nVil; i++ {
		c := pickCounty(r)
		t := town[c*townships+r.IntN(townships)]
		x0, y0 := int32(c%countyGrid)*cw, int32(c/countyGrid)*ch
		p := Point{clamp(t.X+int32(r.NormFloat64()*2500), x0, x0+cw-1), clamp(t.Y+int32(r.NormFloat64()*2500), y0, y0+ch-1)}
		in.Villages = append(in.Villages, p)
		villageCounty[i] = int32(c)
		byCounty[c] = append(byCounty[c], int32(i))
	}

	demand := make([]float64, nC)
	for i := 0; i < elders; i++ {
		v := r.IntN(nVil)
		c := villageCounty[v]
		e := Elder{County: c, At: jitter(r, in.Villages[v], 300), Needs: randomSkills(r, 0.25), Days: randomDays(r, 3)}
		in.Elders = append(in.Elders, e)
		for _, role := range in.Counties[c].Rule.Roles() {
			in.Slots = append(in.Slots, SlotSpec{Elder: int32(i), Role: role})
		}
		demand[c]++
	}
	for c := range demand {
		demand[c] += 0.5 // every county recruits a little, even without elders
	}
	pickHome := cumulative(demand)
	for i := 0; i < volunteers; i++ {
		c := pickHome(r)
		in.Volunteers = append(in.Volunteers, newVolunteer(r, int32(c), in.Counties[c], byCounty[c], in.Villages, town[c*townships:(c+1)*townships]))
	}
	in.Problem = &Problem{
		SlotElder: make([]int32, len(in.Slots)),
		Capacity:  make([]int32, len(in.Volunteers)),
		Arcs:      Candidates(in.Elders, in.Volunteers, in.Slots, MatchOptions{}),
	}
	for s, sp := range in.Slots {
		in.Problem.SlotElder[s] = sp.Elder
	}
	for v := range in.Volunteers {
		in.Problem.Capacity[v] = in.Volunteers[v].Capacity
	}
	return in
}

// newVolunteer draws a volunteer of county c; the role mix follows the county's rule, since
// counties recruit for the slots they must fill (rules V1, P3).
func newVolunteer(r *rand.Rand, c int32, county County, villages []int32, vil []Point, towns []Point) Volunteer {
	mix := [5]float64{0.55, 0.35, 0.04, 0.03, 0.03} // neighbour, urban, doctor, psychologist, group
	switch county.Rule {
	case RuleYutai:
		mix = [5]float64{0.05, 0.05, 0.30, 0.30, 0.30}
	case RuleDefault:
		mix = [5]float64{0.50, 0.35, 0.05, 0.04, 0.06}
	}
	u, role := r.Float64(), RoleGroup
	for i, w := range mix {
		if u < w {
			role = Role(i)
			break
		}
		u -= w
	}
	v := Volunteer{Role: role, County: c, Skills: randomSkills(r, 0.2), Days: randomDays(r, 2)}
	switch role {
	case RoleNeighbour:
		home := county.Town
		if len(villages) > 0 {
			home = vil[villages[r.IntN(len(villages))]]
		}
		v.At, v.Capacity = jitter(r, home, 300), 1+r.Int32N(2)
	case RoleUrban:
		v.At, v.Capacity = county.Town, 1+r.Int32N(3) // address known to the town only
		v.Days |= 0b1100000                           // students and workers come at weekends
	case RoleDoctor, RolePsychologist:
		v.At, v.Capacity = county.Town, 2+r.Int32N(2)
		v.Skills |= SkillMedical
		if role == RolePsychologist {
			v.Skills = v.Skills&^SkillMedical | SkillCounselling
		}
	case RoleGroup:
		v.At, v.Capacity = towns[r.IntN(len(towns))], 3
	}
	return v
}

func cumulative(w []float64) func(*rand.Rand) int {
	acc := make([]float64, len(w))
	var sum float64
	for i, x := range w {
		sum += x
		acc[i] = sum
	}
	return func(r *rand.Rand) int {
		u := r.Float64() * sum
		lo, hi := 0, len(acc)-1
		for lo < hi {
			mid := (lo + hi) / 2
			if acc[mid] <= u {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return lo
	}
}

func jitter(r *rand.Rand, p Point, d int32) Point {
	return Point{p.X + r.Int32N(2*d+1) - d, p.Y + r.Int32N(2*d+1) - d}
}

func clamp(x, lo, hi int32) int32 { return max(lo, min(hi, x)) }

func randomSkills(r *rand.Rand, p float64) Skill {
	var s Skill
	for b := 0; b < 8; b++ {
		if r.Float64() < p {
			s |= 1 << b
		}
	}
	return s
}

// randomDays draws a weekday set with at least k days.
func randomDays(r *rand.Rand, k int) uint8 {
	var d uint8
	for n := 0; n < k; {
		b := uint8(1) << r.IntN(7)
		if d&b == 0 {
			d |= b
			n++
		}
	}
	return d
}
