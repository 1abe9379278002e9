package registry

import (
	"time"
)

// Elder statuses (rule E3). Pending and Rejected belong to intake (E4);
// the others are the dynamic states of an elder in the programme.
const (
	StatusPending      = "pending"
	StatusRejected     = "rejected"
	StatusActive       = "active"
	StatusMoved        = "moved"
	StatusHospitalised = "hospitalised"
	StatusCentralised  = "centralised"
	StatusDeceased     = "deceased"
	StatusLeft         = "left"
)

// StatusName is the Chinese label of each elder status.
var StatusName = map[string]string{
	StatusPending: "待入册", StatusRejected: "未通过", StatusActive: "在册",
	StatusMoved: "迁出", StatusHospitalised: "住院", StatusCentralised: "集中供养",
	StatusDeceased: "去世", StatusLeft: "退出",
}

// Intake stages (rule E4): township proposes, county approves within its
// quota, village confirms.
const (
	StageProposed  = "proposed"
	StageApproved  = "approved"
	StageConfirmed = "confirmed"
	StageRejected  = "rejected"
)

// Need kinds of rule E2.
var NeedKinds = []string{"health", "dependency", "home", "psychological"}

// Contact is a person to reach about an elder.
type Contact struct {
	Name     string `bson:"name" json:"name" validate:"required,max=32"`
	Relation string `bson:"relation" json:"relation" validate:"required,max=16"`
	Phone    string `bson:"phone" json:"phone" validate:"required"`
}

// Family is the family situation of rule E2.
type Family struct {
	LivingAlone bool   `bson:"livingAlone" json:"livingAlone"`
	Children    int    `bson:"children" json:"children" validate:"min=0,max=20"`
	Notes       string `bson:"notes,omitempty" json:"notes,omitempty" validate:"max=500"`
}

// Health is the health record of rule E2. DisabilityLevel follows the
// national grades 1 (most severe) to 4; 0 means none.
type Health struct {
	DisabilityLevel int      `bson:"disabilityLevel" json:"disabilityLevel" validate:"min=0,max=4"`
	SelfCare        string   `bson:"selfCare,omitempty" json:"selfCare,omitempty" validate:"omitempty,oneof=自理 半失能 失能"`
	Conditions      []string `bson:"conditions,omitempty" json:"conditions,omitempty" validate:"max=20,dive,max=50"`
	Notes           string   `bson:"notes,omitempty" json:"notes,omitempty" validate:"max=1000"`
}

// Needs are the four kinds of need of rule E2.
type Needs struct {
	Health        []string `bson:"health,omitempty" json:"health,omitempty" validate:"max=20,dive,max=50"`
	Dependency    []string `bson:"dependency,omitempty" json:"dependency,omitempty" validate:"max=20,dive,max=50"`
	Home          []string `bson:"home,omitempty" json:"home,omitempty" validate:"max=20,dive,max=50"`
	Psychological []string `bson:"psychological,omitempty" json:"psychological,omitempty" validate:"max=20,dive,max=50"`
}

// Override records an organizer's decision against the computed eligibility.
type Override struct {
	Eligible bool      `bson:"eligible" json:"eligible"`
	Reason   string    `bson:"reason" json:"reason"`
	By       string    `bson:"by" json:"by"`
	ByName   string    `bson:"byName" json:"byName"`
	At       time.Time `bson:"at" json:"at"`
}

// Eligibility is the result of rule E1 with its explanation.
type Eligibility struct {
	Eligible bool      `bson:"eligible" json:"eligible"`
	Reasons  []string  `bson:"reasons" json:"reasons"`
	Override *Override `bson:"override,omitempty" json:"override,omitempty"`
}

// StatusChange is one entry of an elder's or volunteer's history (rule E3).
type StatusChange struct {
	From   string    `bson:"from" json:"from"`
	To     string    `bson:"to" json:"to"`
	Date   string    `bson:"date" json:"date"`
	Reason string    `bson:"reason" json:"reason"`
	By     string    `bson:"by" json:"by"`
	ByName string    `bson:"byName" json:"byName"`
	At     time.Time `bson:"at" json:"at"`
}

// IntakeStep is one step of rule E4, by whom and when.
type IntakeStep struct {
	Stage  string `bson:"stage" json:"stage"`
	By     string `bson:"by" json:"by"`
	ByName string `bson:"byName" json:"byName"`
	Region string `bson:"region" json:"region"`
	Note   string `bson:"note,omitempty" json:"note,omitempty"`
	// OnBehalfOf is the village a county organizer confirmed for (E4: a
	// village without a working account); Note then holds the reason.
	OnBehalfOf string    `bson:"onBehalfOf,omitempty" json:"onBehalfOf,omitempty"`
	At         time.Time `bson:"at" json:"at"`
}

// Elder is one person served by the programme (rules E1–E5). Elders are
// never deleted: status changes are recorded in History.
type Elder struct {
	ID          string         `bson:"_id" json:"id"`
	Name        string         `bson:"name" json:"name"`
	IDNumber    string         `bson:"idNumber" json:"idNumber"`
	Gender      string         `bson:"gender" json:"gender"`
	BirthDate   string         `bson:"birthDate" json:"birthDate"`
	Phone       string         `bson:"phone,omitempty" json:"phone,omitempty"`
	Village     string         `bson:"village" json:"village"`
	Areas       []string       `bson:"areas" json:"-"`
	Address     string         `bson:"address,omitempty" json:"address,omitempty"`
	Lat         float64        `bson:"lat,omitempty" json:"lat,omitempty"`
	Lon         float64        `bson:"lon,omitempty" json:"lon,omitempty"`
	Poor        bool           `bson:"poor" json:"poor"`
	PovertyNo   string         `bson:"povertyNo,omitempty" json:"povertyNo,omitempty"`
	LeftBehind  bool           `bson:"leftBehind" json:"leftBehind"`
	Bereaved    bool           `bson:"bereaved" json:"bereaved"`
	KeyVillage  bool           `bson:"keyVillage,omitempty" json:"keyVillage,omitempty"`
	Family      Family         `bson:"family" json:"family"`
	Health      Health         `bson:"health" json:"health"`
	Needs       Needs          `bson:"needs" json:"needs"`
	Preferences string         `bson:"preferences,omitempty" json:"preferences,omitempty"`
	Contacts    []Contact      `bson:"contacts,omitempty" json:"contacts,omitempty"`
	Eligibility Eligibility    `bson:"eligibility" json:"eligibility"`
	Status      string         `bson:"status" json:"status"`
	History     []StatusChange `bson:"history" json:"history"`
	Stage       string         `bson:"stage" json:"stage"`
	Intake      []IntakeStep   `bson:"intake" json:"intake"`
	Volunteers  []string       `bson:"volunteers,omitempty" json:"volunteers,omitempty"`
	Version     int            `bson:"version" json:"version"`
	CreatedAt   time.Time      `bson:"createdAt" json:"createdAt"`
	UpdatedAt   time.Time      `bson:"updatedAt" json:"updatedAt"`
}

// MinAge is the age from which an elder is eligible (rule E1).
const MinAge = 65

// CheckEligibility applies rule E1 on day: aged 65 or over, registered
// poor, and left-behind or bereaved of their only child. Each unmet
// condition is explained; a recorded override decides in the end.
func CheckEligibility(e *Elder, age int) Eligibility {
	var reasons []string
	ok := true
	if age < MinAge {
		ok = false
		reasons = append(reasons, "年龄不满 65 周岁")
	} else {
		reasons = append(reasons, "年满 65 周岁")
	}
	if !e.Poor {
		ok = false
		reasons = append(reasons, "非建档立卡贫困户")
	} else {
		reasons = append(reasons, "建档立卡贫困户")
	}
	switch {
	case e.LeftBehind && e.Bereaved:
		reasons = append(reasons, "留守且失独")
	case e.LeftBehind:
		reasons = append(reasons, "留守老人")
	case e.Bereaved:
		reasons = append(reasons, "失独老人")
	default:
		ok = false
		reasons = append(reasons, "既非留守也非失独")
	}
	el := Eligibility{Eligible: ok, Reasons: reasons, Override: e.Eligibility.Override}
	if el.Override != nil {
		el.Eligible = el.Override.Eligible
	}
	return el
}

// statusMoves lists which status may follow which (rule E3). Deceased is
// final; pending and rejected are left only through intake.
var statusMoves = map[string][]string{
	StatusActive:       {StatusMoved, StatusHospitalised, StatusCentralised, StatusDeceased, StatusLeft},
	StatusHospitalised: {StatusActive, StatusCentralised, StatusDeceased, StatusLeft, StatusMoved},
	StatusMoved:        {StatusActive, StatusDeceased, StatusLeft},
	StatusCentralised:  {StatusActive, StatusDeceased, StatusLeft},
	StatusLeft:         {StatusActive, StatusDeceased},
}

// CanMove reports whether an elder may go from status from to status to.
func CanMove(from, to string) bool {
	for _, s := range statusMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}
