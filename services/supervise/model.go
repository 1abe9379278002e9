// Package supervise runs supervision (rules Q1–Q4): reproducible check
// samples, check tasks by phone or unannounced visit, the elder's own
// confirmation by SMS, the suspension and restoring of unconfirmed credit
// hours, the problem ledger with rectification and re-check, and the
// monthly report and ranking of areas. It is free of HTTP, database and
// queue code.
package supervise

import "time"

// Sampling modes (rules Q1, Q2).
const (
	ModeFujin = "fujin" // per township 4 villages, per village 10 households, half poor
	ModeRisk  = "risk"  // completed visits weighted by risk signs
)

// Check methods (rule Q1).
const (
	MethodPhone = "phone" // 电话抽查
	MethodVisit = "visit" // 不打招呼实地检查
)

// Task statuses and results.
const (
	TaskOpen = "open"
	TaskDone = "done"

	ResultConfirmed    = "confirmed"
	ResultNotConfirmed = "not_confirmed"
	ResultUnreachable  = "unreachable"
)

// ResultName is the Chinese label of each result.
var ResultName = map[string]string{ResultConfirmed: "属实", ResultNotConfirmed: "不属实", ResultUnreachable: "未联系上"}

// Draw is one recorded sample of a region's month. Its seed is kept, so
// the same seed over the same register gives the same sample; a draw is
// never replaced: a further draw of the same region and month is a new
// record with its number and a reason.
type Draw struct {
	ID         string    `bson:"_id" json:"id"`
	Region     string    `bson:"region" json:"region"`
	RegionName string    `bson:"regionName" json:"regionName"`
	Areas      []string  `bson:"areas" json:"-"`
	Month      string    `bson:"month" json:"month"`
	N          int       `bson:"n" json:"n"`
	Mode       string    `bson:"mode" json:"mode"`
	Seed       int64     `bson:"seed" json:"seed"`
	Villages   int       `bson:"villages,omitempty" json:"villages,omitempty"`
	PerVillage int       `bson:"perVillage,omitempty" json:"perVillage,omitempty"`
	Size       int       `bson:"size" json:"size"`
	Population int       `bson:"population" json:"population"`
	Reason     string    `bson:"reason,omitempty" json:"reason,omitempty"`
	Notes      []string  `bson:"notes" json:"notes"`
	Tasks      []string  `bson:"tasks" json:"tasks"`
	By         string    `bson:"by" json:"by"`
	ByName     string    `bson:"byName" json:"byName"`
	At         time.Time `bson:"at" json:"at"`
}

// Outcome is one recorded result of a check task.
type Outcome struct {
	Result string    `bson:"result" json:"result"`
	Method string    `bson:"method" json:"method"`
	Notes  string    `bson:"notes,omitempty" json:"notes,omitempty"`
	By     string    `bson:"by" json:"by"`
	ByName string    `bson:"byName" json:"byName"`
	At     time.Time `bson:"at" json:"at"`
}

// Task is one sampled household or visit to check (rule Q1).
type Task struct {
	ID            string    `bson:"_id" json:"id"`
	Draw          string    `bson:"draw" json:"draw"`
	Month         string    `bson:"month" json:"month"`
	Mode          string    `bson:"mode" json:"mode"`
	Elder         string    `bson:"elder" json:"elder"`
	ElderName     string    `bson:"elderName" json:"elderName"`
	Village       string    `bson:"village" json:"village"`
	Areas         []string  `bson:"areas" json:"-"`
	Poor          bool      `bson:"poor" json:"poor"`
	KeyVillage    bool      `bson:"keyVillage,omitempty" json:"keyVillage,omitempty"`
	Visit         string    `bson:"visit,omitempty" json:"visit,omitempty"`
	Volunteer     string    `bson:"volunteer,omitempty" json:"volunteer,omitempty"`
	VolunteerName string    `bson:"volunteerName,omitempty" json:"volunteerName,omitempty"`
	Reasons       []string  `bson:"reasons,omitempty" json:"reasons,omitempty"`
	Method        string    `bson:"method" json:"method"`
	Assignee      string    `bson:"assignee" json:"assignee"`
	AssigneeName  string    `bson:"assigneeName" json:"assigneeName"`
	Script        string    `bson:"script" json:"script"`
	Status        string    `bson:"status" json:"status"`
	Result        string    `bson:"result,omitempty" json:"result,omitempty"`
	Notes         string    `bson:"notes,omitempty" json:"notes,omitempty"`
	History       []Outcome `bson:"history" json:"history"`
	Version       int       `bson:"version" json:"version"`
	CreatedAt     time.Time `bson:"createdAt" json:"createdAt"`
	UpdatedAt     time.Time `bson:"updatedAt" json:"updatedAt"`
}

// Answers of the elder's side.
const (
	ConfirmConfirmed = "confirmed"
	ConfirmDenied    = "denied"
)

// Confirmation is the SMS asking an elder's contact person whether the
// volunteer came; its ID is the visit's.
type Confirmation struct {
	ID            string    `bson:"_id" json:"id"`
	Visit         string    `bson:"visit" json:"visit"`
	Elder         string    `bson:"elder" json:"elder"`
	ElderName     string    `bson:"elderName" json:"elderName"`
	Volunteer     string    `bson:"volunteer" json:"volunteer"`
	VolunteerName string    `bson:"volunteerName" json:"volunteerName"`
	Village       string    `bson:"village" json:"village"`
	Areas         []string  `bson:"areas" json:"-"`
	Month         string    `bson:"month" json:"month"`
	Phone         string    `bson:"phone" json:"-"`
	SentAt        time.Time `bson:"sentAt" json:"sentAt"`
}

// Sent is one confirmation request in a phone's list.
type Sent struct {
	Visit  string    `bson:"visit" json:"visit"`
	SentAt time.Time `bson:"sentAt" json:"sentAt"`
}

// Answer is the reply to a confirmation, keyed by the visit: a visit is
// answered once (the insert claims it).
type Answer struct {
	ID     string    `bson:"_id" json:"id"`
	Status string    `bson:"status" json:"status"`
	Reply  string    `bson:"reply" json:"reply"`
	SID    string    `bson:"sid" json:"sid"`
	At     time.Time `bson:"at" json:"at"`
}

// AlertCard is the kind of alert raised when a visit code card's code was
// typed wrong too often.
const AlertCard = "card"

// Alert is a notice for a region's organizers (organizer accounts have no
// phone): hours suspended or restored, problems overdue.
type Alert struct {
	ID      string    `bson:"_id" json:"id"`
	Kind    string    `bson:"kind" json:"kind"`
	Areas   []string  `bson:"areas" json:"-"`
	Village string    `bson:"village,omitempty" json:"village,omitempty"`
	Message string    `bson:"message" json:"message"`
	At      time.Time `bson:"at" json:"at"`
}
