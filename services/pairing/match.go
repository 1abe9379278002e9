package pairing

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"jinhui/services/registry"
)

// needSkills maps each kind of need (rule E2) to the skills (rule V4) that meet it.
var needSkills = map[string][]string{
	"health":        {"medical", "massage"},
	"dependency":    {"cooking", "haircut"},
	"home":          {"repair", "house"},
	"psychological": {"counselling", "opera"},
}

var needName = map[string]string{"health": "健康", "dependency": "依存", "home": "家居", "psychological": "心理"}

// visiting hours in which an availability window counts (minutes of the day).
const visitFrom, visitTo = 8 * 60, 18 * 60

// usable reports why v may not be paired at all, or "" when it may: only
// active volunteers, and only trained ones where the county requires it (rule V5).
func usable(v *registry.Volunteer, requireTraining bool) string {
	if v.Status != registry.VolActive {
		return "志愿者不在服务状态"
	}
	if requireTraining && v.Training != "attended" {
		return "本县要求志愿者参加培训后才能结对"
	}
	if v.Capacity <= 0 {
		return "志愿者没有可结对名额"
	}
	return ""
}

// distanceKm is the great-circle distance between two coordinates.
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(min(1, a)))
}

// fits reports whether v may fill slot rule s of elder e (rule P3).
func fits(s SlotRule, e *registry.Elder, v *registry.Volunteer) bool {
	if s.Role != RoleAny && s.Role != v.Type {
		return false
	}
	if s.SameVillage && v.Village != e.Village {
		return false
	}
	if s.WithinKm > 0 && distanceKm(e.Lat, e.Lon, v.Lat, v.Lon) > s.WithinKm {
		return false
	}
	return registry.AncestorAt(v.Village, registry.County) == registry.AncestorAt(e.Village, registry.County)
}

// minutes reads HH:MM (validated on input) as minutes of the day.
func minutes(hhmm string) int {
	if len(hhmm) != 5 || hhmm[2] != ':' {
		return 0
	}
	d := func(c byte) int { return int(c - '0') }
	return (d(hhmm[0])*10+d(hhmm[1]))*60 + d(hhmm[3])*10 + d(hhmm[4])
}

// overlapHours is the weekly time v can give within visiting hours (rule P4).
func overlapHours(v *registry.Volunteer) float64 {
	total := 0
	for _, a := range v.Availability {
		from, to := max(minutes(a.From), visitFrom), min(minutes(a.To), visitTo)
		if to > from {
			total += to - from
		}
	}
	return float64(total) / 60
}

// explain scores v for e with the county's weights (rule P4) and says why.
func explain(e *registry.Elder, v *registry.Volunteer, w Weights) (int64, Explanation) {
	x := Explanation{NeedsMet: []string{}, NeedsUnmet: []string{}}
	c := score(e, v, w, &x)
	x.Text = x.summary()
	return c, x
}

// costOf is explain's cost alone, without allocating (candidate arcs).
func costOf(e *registry.Elder, v *registry.Volunteer, w Weights) int64 { return score(e, v, w, nil) }

// score computes the cost of v serving e: distance, kinds of need no skill
// of v meets, no weekly time in visiting hours, unmet stated preferences.
// With x set, it records the reasons there.
func score(e *registry.Elder, v *registry.Volunteer, w Weights, x *Explanation) int64 {
	w = w.withDefaults()
	km := math.Round(distanceKm(e.Lat, e.Lon, v.Lat, v.Lon)*10) / 10
	hours := overlapHours(v)
	cost := int64(math.Round(km * float64(w.PerKm)))
	if x != nil {
		x.DistanceKm, x.SameVillage, x.OverlapHours = km, e.Village == v.Village, hours
	}
	for _, k := range registry.NeedKinds {
		if !hasNeed(&e.Needs, k) {
			continue
		}
		met := ""
		for _, sk := range needSkills[k] {
			if slices.Contains(v.Skills, sk) {
				met = registry.Skills[sk]
				break
			}
		}
		if met == "" {
			cost += w.Need
		}
		if x != nil && met != "" {
			x.NeedsMet = append(x.NeedsMet, needName[k]+"需求: "+met)
		} else if x != nil {
			x.NeedsUnmet = append(x.NeedsUnmet, needName[k]+"需求")
		}
	}
	if hours == 0 {
		cost += w.Time
	}
	if pref := strings.TrimSpace(e.Preferences); pref != "" {
		ok := false
		for _, sk := range v.Skills {
			if l := []rune(registry.Skills[sk]); len(l) >= 2 && strings.Contains(pref, string(l[:2])) {
				ok = true
			}
		}
		if !ok {
			cost += w.Preference
		}
		if x != nil {
			x.PreferenceMet = ok
		}
	}
	return cost
}

func hasNeed(n *registry.Needs, kind string) bool {
	switch kind {
	case "health":
		return len(n.Health) > 0
	case "dependency":
		return len(n.Dependency) > 0
	case "home":
		return len(n.Home) > 0
	case "psychological":
		return len(n.Psychological) > 0
	}
	return false
}

func (x Explanation) summary() string {
	var b strings.Builder
	if x.SameVillage {
		b.WriteString("同村")
	} else {
		fmt.Fprintf(&b, "相距 %.1f 公里", x.DistanceKm)
	}
	if len(x.NeedsMet) > 0 {
		b.WriteString("; 满足" + strings.Join(x.NeedsMet, "、"))
	}
	if len(x.NeedsUnmet) > 0 {
		b.WriteString("; 未满足" + strings.Join(x.NeedsUnmet, "、"))
	}
	if x.OverlapHours > 0 {
		fmt.Fprintf(&b, "; 每周白天可服务 %.1f 小时", x.OverlapHours)
	} else {
		b.WriteString("; 白天无可服务时间")
	}
	if x.PreferenceMet {
		b.WriteString("; 符合老人偏好")
	}
	if x.Pinned != "" {
		b.WriteString("; 组织者指定: " + x.Pinned)
	}
	return b.String()
}
