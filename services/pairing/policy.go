package pairing

import (
	"fmt"
	"time"

	"jinhui/services/registry"
	"jinhui/shared/apperr"
)

// RoleAny is a slot open to a volunteer of any type; the other slot roles
// are registry volunteer types (neighbour, urban, group, doctor, psychologist, other).
const RoleAny = "any"

// SlotRule asks for Count volunteers of Role with optional constraints
// (rule P3): from the elder's own village, or living within WithinKm.
type SlotRule struct {
	Role        string  `bson:"role" json:"role" validate:"required,oneof=any neighbour urban group doctor psychologist other"`
	Count       int     `bson:"count" json:"count" validate:"min=1,max=5"`
	SameVillage bool    `bson:"sameVillage,omitempty" json:"sameVillage,omitempty"`
	WithinKm    float64 `bson:"withinKm,omitempty" json:"withinKm,omitempty" validate:"min=0,max=200"`
	Label       string  `bson:"label,omitempty" json:"label,omitempty" validate:"max=32"`
}

// Policy is a county's pairing rule as data: the slots every elder has.
type Policy struct {
	Name  string     `bson:"name" json:"name" validate:"required,max=32"`
	Label string     `bson:"label" json:"label" validate:"max=32"`
	Slots []SlotRule `bson:"slots" json:"slots" validate:"required,min=1,max=6,dive"`
}

// MaxSlots bounds the slots of one elder.
const MaxSlots = 8

// Built-in policies (rule P3). The 鱼台 youth group "of at least 3" is three
// group-member slots: registry volunteers of type group are group members
// (青年志愿者小组成员), each slot is a different person, so the elder gets a
// group of three; members of one group share their SourceOrg.
var (
	PolicyDefault   = Policy{Name: "default", Label: "默认: 任意 2 名志愿者", Slots: []SlotRule{{Role: RoleAny, Count: 2}}}
	PolicyLiaocheng = Policy{Name: "liaocheng", Label: "聊城: 1 名本村邻里互助志愿者 + 1 名城乡互助志愿者", Slots: []SlotRule{
		{Role: registry.TypeNeighbour, Count: 1, SameVillage: true, Label: "本村邻里互助志愿者"},
		{Role: registry.TypeUrban, Count: 1, Label: "城乡互助志愿者"},
	}}
	PolicyYutai = Policy{Name: "yutai", Label: "鱼台: 1 个不少于 3 人的青年志愿者小组 + 1 名青年医生 + 1 名心理咨询师", Slots: []SlotRule{
		{Role: registry.TypeGroup, Count: 3, Label: "青年志愿者小组成员"},
		{Role: registry.TypeDoctor, Count: 1, Label: "青年医生"},
		{Role: registry.TypePsychologist, Count: 1, Label: "心理咨询师"},
	}}
)

// BuiltinPolicies lists the built-in policies by name.
var BuiltinPolicies = map[string]Policy{"default": PolicyDefault, "liaocheng": PolicyLiaocheng, "yutai": PolicyYutai}

// Expand lists the policy's slots one per volunteer, in order; slot i of
// every elder of the county asks for Expand()[i].
func (p Policy) Expand() []SlotRule {
	var out []SlotRule
	for _, s := range p.Slots {
		for i := 0; i < s.Count; i++ {
			one := s
			one.Count = 1
			out = append(out, one)
		}
	}
	return out
}

// Weights are a county's cost weights (rule P4); zero takes the default.
type Weights struct {
	PerKm      int64 `bson:"perKm" json:"perKm" validate:"min=0,max=1000"`
	Need       int64 `bson:"need" json:"need" validate:"min=0,max=1000"`
	Time       int64 `bson:"time" json:"time" validate:"min=0,max=1000"`
	Preference int64 `bson:"preference" json:"preference" validate:"min=0,max=1000"`
}

// DefaultWeights: a kilometre costs 10, an unmet kind of need 30, no
// availability in visiting hours 40, unmet stated preferences 10.
var DefaultWeights = Weights{PerKm: 10, Need: 30, Time: 40, Preference: 10}

func (w Weights) withDefaults() Weights {
	if w.PerKm == 0 {
		w.PerKm = DefaultWeights.PerKm
	}
	if w.Need == 0 {
		w.Need = DefaultWeights.Need
	}
	if w.Time == 0 {
		w.Time = DefaultWeights.Time
	}
	if w.Preference == 0 {
		w.Preference = DefaultWeights.Preference
	}
	return w
}

// Settings are a county's pairing settings, stored per county.
type Settings struct {
	County           string    `bson:"_id" json:"county"`
	Policy           Policy    `bson:"policy" json:"policy"`
	Weights          Weights   `bson:"weights" json:"weights"`
	SilentDays       int       `bson:"silentDays" json:"silentDays"`
	RelayLimitDays   int       `bson:"relayLimitDays" json:"relayLimitDays"`
	AutoConfirmRelay bool      `bson:"autoConfirmRelay" json:"autoConfirmRelay"`
	RequireTraining  bool      `bson:"requireTraining" json:"requireTraining"`
	Saved            bool      `bson:"-" json:"saved"`
	Version          int       `bson:"version" json:"version"`
	UpdatedBy        string    `bson:"updatedBy,omitempty" json:"updatedBy,omitempty"`
	UpdatedByName    string    `bson:"updatedByName,omitempty" json:"updatedByName,omitempty"`
	UpdatedAt        time.Time `bson:"updatedAt,omitempty" json:"updatedAt,omitempty"`
}

// Defaults of a county that saved no settings.
const (
	DefaultSilentDays     = 45
	DefaultRelayLimitDays = 14
)

// DefaultSettings are a county's settings until an organizer saves some.
func DefaultSettings(county string) Settings {
	return Settings{County: county, Policy: PolicyDefault, Weights: DefaultWeights, SilentDays: DefaultSilentDays, RelayLimitDays: DefaultRelayLimitDays}
}

// SettingsInput is what an organizer saves for a county. Policy names a
// built-in policy, or "custom" with Slots.
type SettingsInput struct {
	Policy           string     `json:"policy" validate:"required,oneof=default liaocheng yutai custom"`
	Label            string     `json:"label,omitempty" validate:"max=32"`
	Slots            []SlotRule `json:"slots,omitempty" validate:"max=6,dive"`
	Weights          Weights    `json:"weights"`
	SilentDays       int        `json:"silentDays" validate:"min=7,max=365"`
	RelayLimitDays   int        `json:"relayLimitDays" validate:"min=1,max=180"`
	AutoConfirmRelay bool       `json:"autoConfirmRelay"`
	RequireTraining  bool       `json:"requireTraining"`
	Version          int        `json:"version" validate:"min=0"`
}

// policyFrom checks the input's policy (rules P1, P3) and returns it.
func policyFrom(in SettingsInput) (Policy, error) {
	if in.Policy != "custom" {
		if len(in.Slots) > 0 {
			return Policy{}, apperr.Field("slots", "只有自定义规则(policy=custom)才能填写 slots")
		}
		return BuiltinPolicies[in.Policy], nil
	}
	if len(in.Slots) == 0 {
		return Policy{}, apperr.Field("slots", "自定义规则须至少有一类结对岗位")
	}
	p := Policy{Name: "custom", Label: in.Label, Slots: in.Slots}
	if p.Label == "" {
		p.Label = "自定义"
	}
	total := 0
	for i, s := range in.Slots {
		total += s.Count
		if s.SameVillage && s.WithinKm > 0 {
			return Policy{}, apperr.Field(fmt.Sprintf("slots[%d].withinKm", i), "「同村」与「距离范围」只能选一个")
		}
	}
	if total < 2 {
		return Policy{}, apperr.Field("slots", "每位老人至少结对 2 名志愿者(二对一, P1)")
	}
	if total > MaxSlots {
		return Policy{}, apperr.Field("slots", fmt.Sprintf("每位老人最多 %d 个结对岗位", MaxSlots))
	}
	return p, nil
}
