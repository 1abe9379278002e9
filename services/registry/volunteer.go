package registry

import (
	"time"

	"jinhui/shared/dict"
)

// Volunteer types (PROGRAMME.md "People").
const (
	TypeNeighbour    = "neighbour"
	TypeUrban        = "urban"
	TypeGroup        = "group"
	TypeDoctor       = "doctor"
	TypePsychologist = "psychologist"
	TypeOther        = "other"
)

// VolunteerTypeName is the Chinese label of each volunteer type.
var VolunteerTypeName = map[string]string{
	TypeNeighbour: "邻里互助志愿者", TypeUrban: "城乡互助志愿者", TypeGroup: "青年志愿者小组成员",
	TypeDoctor: "青年医生", TypePsychologist: "心理咨询师", TypeOther: "其他",
}

// Skills of rule V4, by code (the list is dict.Skills).
var Skills = dict.Codes["skill"]

// Volunteer sources of rule V3.
var SourceKinds = map[string]string{
	"university": "高校", "social_org": "社会组织", "individual": "个人", "family": "志愿家庭",
}

// Volunteer statuses.
const (
	VolActive = "active"
	VolPaused = "paused"
	VolLeft   = "left"
)

// Availability is a weekly window in which a volunteer can visit.
type Availability struct {
	Day  int    `bson:"day" json:"day" validate:"min=1,max=7"`
	From string `bson:"from" json:"from" validate:"required,datetime=15:04"`
	To   string `bson:"to" json:"to" validate:"required,datetime=15:04"`
}

// Volunteer is one accepted volunteer.
type Volunteer struct {
	ID           string         `bson:"_id" json:"id"`
	Name         string         `bson:"name" json:"name"`
	IDNumber     string         `bson:"idNumber" json:"idNumber"`
	Phone        string         `bson:"phone" json:"phone"`
	Type         string         `bson:"type" json:"type"`
	Village      string         `bson:"village" json:"village"`
	Areas        []string       `bson:"areas" json:"-"`
	Lat          float64        `bson:"lat,omitempty" json:"lat,omitempty"`
	Lon          float64        `bson:"lon,omitempty" json:"lon,omitempty"`
	Skills       []string       `bson:"skills,omitempty" json:"skills,omitempty"`
	Availability []Availability `bson:"availability,omitempty" json:"availability,omitempty"`
	Capacity     int            `bson:"capacity" json:"capacity"`
	SourceKind   string         `bson:"sourceKind" json:"sourceKind"`
	SourceOrg    string         `bson:"sourceOrg,omitempty" json:"sourceOrg,omitempty"`
	Status       string         `bson:"status" json:"status"`
	History      []StatusChange `bson:"history" json:"history"`
	// Training is the volunteer's training state (rule V5): "" (none),
	// "invited" or "attended"; HandbookAckAt is when they acknowledged
	// having read the volunteer handbook.
	Training      string     `bson:"training,omitempty" json:"training,omitempty"`
	HandbookAckAt *time.Time `bson:"handbookAckAt,omitempty" json:"handbookAckAt,omitempty"`
	// ApplicationID links the volunteer to the application that recruited
	// them (rule V2), if any.
	ApplicationID string    `bson:"applicationId,omitempty" json:"applicationId,omitempty"`
	Version       int       `bson:"version" json:"version"`
	CreatedAt     time.Time `bson:"createdAt" json:"createdAt"`
	UpdatedAt     time.Time `bson:"updatedAt" json:"updatedAt"`
}

// Carer is a neighbour carer (rule C1); the carer issue adds the roster and logs.
type Carer struct {
	ID        string   `bson:"_id" json:"id"`
	Name      string   `bson:"name" json:"name"`
	IDNumber  string   `bson:"idNumber" json:"idNumber"`
	Phone     string   `bson:"phone" json:"phone"`
	Village   string   `bson:"village" json:"village"`
	Areas     []string `bson:"areas" json:"-"`
	Status    string   `bson:"status" json:"status"`
	StartDate string   `bson:"startDate" json:"startDate"`
	// History keeps every status change (left, paused, back).
	History   []StatusChange `bson:"history,omitempty" json:"history,omitempty"`
	Version   int            `bson:"version" json:"version"`
	CreatedAt time.Time      `bson:"createdAt" json:"createdAt"`
}
