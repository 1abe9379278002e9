package supervise

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// Household is one elder of the register as the 富锦 rule samples it,
// with their latest completed visit of the month, if any.
type Household struct {
	Elder         string
	ElderName     string
	Village       string
	Township      string
	Areas         []string
	Poor          bool
	Key           bool // the village is a key village (重点村)
	Visit         string
	Volunteer     string
	VolunteerName string
}

// Pick is one sampled household or visit and why it was picked.
type Pick struct {
	Household
	Reasons []string
	Weight  float64
}

// FujinRule is rule Q2's shape; zero fields take 富锦's numbers.
type FujinRule struct {
	Villages   int // per township, default 4
	PerVillage int // households per village, default 10 (half poor)
}

func (r FujinRule) norm() FujinRule {
	if r.Villages <= 0 {
		r.Villages = 4
	}
	if r.PerVillage <= 0 {
		r.PerVillage = 10
	}
	return r
}

// rng is the one random source of a draw: PCG seeded by the recorded seed,
// so that a seed and a register give one sample on every machine.
func rng(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x6a696e6875692d71))
}

// Fujin samples by rule Q2: per township the key villages and random
// others up to r.Villages, per village r.PerVillage households, half poor
// and half not. Shortfalls (a register of poor elders only, small
// villages) are filled from the other half and explained in the notes.
// The result depends only on the households (as a set) and the seed.
func Fujin(hs []Household, seed int64, r FujinRule) ([]Pick, []string) {
	r = r.norm()
	hs = append([]Household(nil), hs...)
	sort.Slice(hs, func(i, j int) bool { return hs[i].Elder < hs[j].Elder })
	towns := map[string]map[string][]Household{}
	key := map[string]bool{}
	for _, h := range hs {
		if towns[h.Township] == nil {
			towns[h.Township] = map[string][]Household{}
		}
		towns[h.Township][h.Village] = append(towns[h.Township][h.Village], h)
		key[h.Village] = key[h.Village] || h.Key
	}
	rnd := rng(seed)
	var out []Pick
	var notes []string
	nonPoorShort := 0
	for _, t := range sortedKeys(towns) {
		vs := sortedKeys(towns[t])
		var chosen, others []string
		for _, v := range vs {
			if key[v] {
				chosen = append(chosen, v)
			} else {
				others = append(others, v)
			}
		}
		rnd.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
		for _, v := range others {
			if len(chosen) >= r.Villages {
				break
			}
			chosen = append(chosen, v)
		}
		if len(chosen) > r.Villages {
			notes = append(notes, fmt.Sprintf("乡镇 %s 有 %d 个重点村, 全部抽查", t, len(chosen)))
		}
		sort.Strings(chosen)
		for _, v := range chosen {
			var poor, non []Household
			for _, h := range towns[t][v] {
				if h.Poor {
					poor = append(poor, h)
				} else {
					non = append(non, h)
				}
			}
			rnd.Shuffle(len(poor), func(i, j int) { poor[i], poor[j] = poor[j], poor[i] })
			rnd.Shuffle(len(non), func(i, j int) { non[i], non[j] = non[j], non[i] })
			half := r.PerVillage / 2
			nNon := min(len(non), half)
			nPoor := min(len(poor), r.PerVillage-nNon)
			nNon = min(len(non), r.PerVillage-nPoor)
			if nNon < half {
				nonPoorShort++
			}
			if nPoor+nNon < r.PerVillage {
				notes = append(notes, fmt.Sprintf("村 %s 仅有 %d 户, 全部抽查", v, nPoor+nNon))
			}
			for _, h := range poor[:nPoor] {
				out = append(out, Pick{Household: h, Reasons: reasons(h, "建档立卡贫困户")})
			}
			for _, h := range non[:nNon] {
				out = append(out, Pick{Household: h, Reasons: reasons(h, "非贫困户")})
			}
		}
	}
	if nonPoorShort > 0 {
		notes = append(notes, fmt.Sprintf("%d 个村的非贫困户不足一半, 以贫困户补足(名册只登记帮扶对象即建档立卡贫困老人时即如此)", nonPoorShort))
	}
	return out, notes
}

func reasons(h Household, kind string) []string {
	out := []string{kind}
	if h.Key {
		out = append([]string{"重点村必查"}, out...)
	}
	if h.Visit == "" {
		out = append(out, "本月无已完成探访记录")
	}
	return out
}

// VisitRisk is a completed visit with the signs rule Q1's risk weighting reads.
type VisitRisk struct {
	Household
	Minutes      int
	Far          bool // checked in far from the elder's home
	Late         bool // check-in or check-out sent late
	ManyLate     bool // the volunteer sent many of the month's visits late
	NeverChecked bool // the volunteer was never checked before
	// CardConfirmed: the elder's visit code card confirmed the visit (a
	// card can be photographed, so it stays in the sample, at less weight).
	CardConfirmed bool
	// CardFlagged: wrong card codes were typed MaxWrong times.
	CardFlagged bool
}

// Risk thresholds.
const (
	ShortVisit = 15  // minutes: a very short visit
	LongVisit  = 240 // minutes: a very long visit (over 4 hours, rule S5)
)

// Weight returns a visit's risk weight (1 for none) and its reasons.
func Weight(v VisitRisk) (float64, []string) {
	w, why := 1.0, []string{}
	if v.Minutes < ShortVisit {
		w += 4
		why = append(why, fmt.Sprintf("探访时长过短(%d 分钟)", v.Minutes))
	}
	if v.Minutes > LongVisit {
		w += 2
		why = append(why, fmt.Sprintf("探访时长过长(%d 分钟)", v.Minutes))
	}
	if v.Far {
		w += 4
		why = append(why, "签到地点离老人家较远")
	}
	if v.Late {
		w++
		why = append(why, "本次签到/签退为事后补传")
	}
	if v.ManyLate {
		w += 3
		why = append(why, "该志愿者本月多次事后补传")
	}
	if v.NeverChecked {
		w += 3
		why = append(why, "该志愿者从未被抽查")
	}
	if v.CardFlagged {
		w += 6
		why = append(why, "探访码卡验证码多次错误")
	}
	if v.CardConfirmed {
		w /= 2
		why = append(why, "探访码卡已验证(降低权重)")
	}
	return w, why
}

// Risky samples n visits without replacement, each with probability in
// proportion to its weight (Efraimidis–Spirakis: the n largest keys
// u^(1/w)), reproducibly from the seed.
func Risky(vs []VisitRisk, seed int64, n int) []Pick {
	vs = append([]VisitRisk(nil), vs...)
	sort.Slice(vs, func(i, j int) bool { return vs[i].Visit < vs[j].Visit })
	rnd := rng(seed)
	type keyed struct {
		p   Pick
		key float64
	}
	ks := make([]keyed, len(vs))
	for i, v := range vs {
		w, why := Weight(v)
		u := rnd.Float64()
		if u == 0 {
			u = math.SmallestNonzeroFloat64
		}
		ks[i] = keyed{Pick{Household: v.Household, Reasons: why, Weight: w}, math.Log(u) / w}
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].key > ks[j].key })
	out := make([]Pick, 0, min(n, len(ks)))
	for _, k := range ks[:min(n, len(ks))] {
		out = append(out, k.p)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
