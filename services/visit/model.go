// Package visit runs the monthly "五个一" visits (rules S1–S5): the plan
// of each paired elder's visits, the volunteers' changes to it, check-in
// and check-out with the checklist, reminders and the escalation of
// missed visits. It is free of HTTP, database and queue code.
package visit

import "time"

// Visit statuses.
const (
	StatusPlanned   = "planned"
	StatusOffered   = "offered" // given back or missed: open to the partner
	StatusCheckedIn = "checked_in"
	StatusDone      = "done"
	StatusMissed    = "missed" // not done by the end of its escalation
	StatusCancelled = "cancelled"
)

// StatusName is the Chinese label of each status.
var StatusName = map[string]string{
	StatusPlanned: "待探访", StatusOffered: "待接手", StatusCheckedIn: "探访中", StatusDone: "已完成",
	StatusMissed: "未完成", StatusCancelled: "已取消",
}

// Item is one checklist entry of a visit (rules S2–S4).
type Item struct {
	Code     string `bson:"code" json:"code"`
	Name     string `bson:"name" json:"name"`
	Required bool   `bson:"required" json:"required"`
	Done     bool   `bson:"done" json:"done"`
}

// FiveOnes are rule S2's five items. The first three are required
// (规定动作) by default; counties change that in their settings (S4).
var FiveOnes = []Item{
	{Code: "chat", Name: "拉一次家常", Required: true},
	{Code: "housework", Name: "整理一次家务", Required: true},
	{Code: "hygiene", Name: "清理一次个人卫生", Required: true},
	{Code: "repair", Name: "维修一次家电"},
	{Code: "winter", Name: "送一件过冬用品"},
}

// Stamp is a check-in or check-out.
type Stamp struct {
	At       time.Time `bson:"at" json:"at"`
	Received time.Time `bson:"received" json:"received"`
	Lat      float64   `bson:"lat,omitempty" json:"lat,omitempty"`
	Lon      float64   `bson:"lon,omitempty" json:"lon,omitempty"`
	HasPlace bool      `bson:"hasPlace" json:"hasPlace"`
	// DistanceKm from the elder's home, and Far when beyond the county's
	// threshold: flagged for supervisors, never refused.
	DistanceKm float64 `bson:"distanceKm,omitempty" json:"distanceKm,omitempty"`
	Far        bool    `bson:"far,omitempty" json:"far,omitempty"`
	Late       bool    `bson:"late,omitempty" json:"late,omitempty"` // sent later than it happened (offline)
	Key        string  `bson:"key" json:"key"`
}

// Change is one recorded change to a visit.
type Change struct {
	Kind   string    `bson:"kind" json:"kind"` // date, swap, giveback, take, escalate
	From   string    `bson:"from,omitempty" json:"from,omitempty"`
	To     string    `bson:"to,omitempty" json:"to,omitempty"`
	Reason string    `bson:"reason,omitempty" json:"reason,omitempty"`
	By     string    `bson:"by" json:"by"`
	ByName string    `bson:"byName" json:"byName"`
	At     time.Time `bson:"at" json:"at"`
}

// Visit is one planned visit to one elder. Its ID is elder:month:n, so
// that planning a month twice never creates a visit twice.
type Visit struct {
	ID            string    `bson:"_id" json:"id"`
	Elder         string    `bson:"elder" json:"elder"`
	ElderName     string    `bson:"elderName" json:"elderName"`
	Village       string    `bson:"village" json:"village"`
	VillageName   string    `bson:"villageName" json:"villageName"`
	Areas         []string  `bson:"areas" json:"-"`
	County        string    `bson:"county" json:"county"`
	ElderLat      float64   `bson:"elderLat,omitempty" json:"-"`
	ElderLon      float64   `bson:"elderLon,omitempty" json:"-"`
	Month         string    `bson:"month" json:"month"`
	N             int       `bson:"n" json:"n"`
	Date          string    `bson:"date" json:"date"`
	Volunteer     string    `bson:"volunteer" json:"volunteer"`
	VolunteerName string    `bson:"volunteerName" json:"volunteerName"`
	Pair          string    `bson:"pair" json:"pair"`
	Partners      []Partner `bson:"partners" json:"partners"`
	// People are the volunteers who may see the visit: the one assigned
	// and the partners on the same elder.
	People       []string `bson:"people" json:"-"`
	Status       string   `bson:"status" json:"status"`
	Checklist    []Item   `bson:"checklist" json:"checklist"`
	CheckIn      *Stamp   `bson:"checkIn,omitempty" json:"checkIn,omitempty"`
	CheckOut     *Stamp   `bson:"checkOut,omitempty" json:"checkOut,omitempty"`
	Minutes      int      `bson:"minutes,omitempty" json:"minutes,omitempty"`
	Over4h       bool     `bson:"over4h,omitempty" json:"over4h,omitempty"`
	Notes        string   `bson:"notes,omitempty" json:"notes,omitempty"`
	Condition    string   `bson:"condition,omitempty" json:"condition,omitempty"`
	Concern      string   `bson:"concern,omitempty" json:"concern,omitempty"`
	UndoneReason string   `bson:"undoneReason,omitempty" json:"undoneReason,omitempty"`
	// Card is what the elder's visit code card said at check-out, when
	// the elder has one.
	Card       *CardCheck `bson:"card,omitempty" json:"card,omitempty"`
	Escalation int        `bson:"escalation" json:"escalation"`
	// Review, when set, holds the visit's hours out of the ledger until an
	// organizer approves or the elder's side confirms (times reported long
	// after they happened); its Reason says why.
	Review    *Review   `bson:"review,omitempty" json:"review,omitempty"`
	Changes   []Change  `bson:"changes" json:"changes"`
	Version   int       `bson:"version" json:"version"`
	CreatedAt time.Time `bson:"createdAt" json:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt" json:"updatedAt"`
}

// CardCheck is the outcome of the visit code card at check-out: a right
// code confirms the elder saw the volunteer; MaxWrong wrong codes flag the
// visit for supervision.
type CardCheck struct {
	Confirmed bool   `bson:"confirmed" json:"confirmed"`
	Wrong     int    `bson:"wrong" json:"wrong"`
	Flagged   bool   `bson:"flagged" json:"flagged"`
	Note      string `bson:"note,omitempty" json:"note,omitempty"`
}

// Partner is another volunteer serving the same elder.
type Partner struct {
	ID   string `bson:"id" json:"id"`
	Name string `bson:"name" json:"name"`
	Pair string `bson:"pair" json:"pair"`
}

// Settings are a county's visit rules (S1, S3, S4).
type Settings struct {
	County   string `bson:"_id" json:"county"`
	PerMonth int    `bson:"perMonth" json:"perMonth" validate:"min=1,max=2"`
	// Checklist is the whole list: the five ones with the county's own
	// required/optional choice, then the county's own items (S3).
	Checklist []Item  `bson:"checklist" json:"checklist" validate:"min=1,max=20,dive"`
	FarKm     float64 `bson:"farKm" json:"farKm" validate:"min=0.1,max=50"`
	// Version is the one the writer read (0 for the defaults); saving over
	// a newer one is refused (409), so two organizers never overwrite
	// each other unseen.
	Version int `bson:"version" json:"version" validate:"min=0"`
}

// DefaultSettings are a county's rules until it saves its own: one visit a
// month, the five ones, a check-in over 2 km from home flagged.
func DefaultSettings(county string) Settings {
	return Settings{County: county, PerMonth: 1, Checklist: append([]Item{}, FiveOnes...), FarKm: 2}
}

// Reminder is one SMS due about a visit; MongoDB holds it so that a lost
// queue is rebuilt. Its ID is visit:kind:date, so a new date makes new ones.
type Reminder struct {
	ID     string    `bson:"_id" json:"id"`
	Visit  string    `bson:"visit" json:"visit"`
	Kind   string    `bson:"kind" json:"kind"` // d3, d1, missed, offer, alert
	Due    time.Time `bson:"due" json:"due"`
	Status string    `bson:"status" json:"status"` // ReminderPending, ReminderDone, ReminderSkipped
	Done   time.Time `bson:"doneAt,omitempty" json:"doneAt,omitempty"`
}

// Reminder statuses: waiting for its time, sent (or found not needed
// when due), or set aside because the visit was done, moved or ended
// first.
const (
	ReminderPending = "pending"
	ReminderDone    = "done"
	ReminderSkipped = "skipped"
)

// Reminder kinds: the escalation of rule S1's visits.
const (
	RemindD3     = "d3"     // 3 days before, 09:00
	RemindD1     = "d1"     // 1 day before, 09:00
	RemindMissed = "missed" // the day after: remind the volunteer
	RemindOffer  = "offer"  // 3 days after: offer it to the partner
	RemindAlert  = "alert"  // 5 days after: alert the organizer
)

// Alert tells a region's organizers of a visit that slipped.
type Alert struct {
	ID        string    `bson:"_id" json:"id"`
	Visit     string    `bson:"visit" json:"visit"`
	Elder     string    `bson:"elder" json:"elder"`
	ElderName string    `bson:"elderName" json:"elderName"`
	Village   string    `bson:"village" json:"village"`
	Areas     []string  `bson:"areas" json:"-"`
	Message   string    `bson:"message" json:"message"`
	At        time.Time `bson:"at" json:"at"`
}
