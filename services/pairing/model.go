package pairing

import "time"

// Pair statuses.
const (
	PairActive = "active"
	PairEnded  = "ended"
)

// Relay statuses.
const (
	RelayOpen      = "open"
	RelayFilled    = "filled"
	RelayCancelled = "cancelled"
)

// Why a slot opened (rule P2).
const (
	ReasonVolunteerPaused = "volunteer_paused"
	ReasonVolunteerLeft   = "volunteer_left"
	ReasonSilent          = "silent"
	ReasonElderStatus     = "elder_status"
	ReasonManual          = "manual"
	ReasonRepair          = "repair"
	ReasonUnpaired        = "unpaired"
)

// ReasonName is the Chinese label of each reason.
var ReasonName = map[string]string{
	ReasonVolunteerPaused: "志愿者暂停服务", ReasonVolunteerLeft: "志愿者退出", ReasonSilent: "长期未探访",
	ReasonElderStatus: "老人状态变更", ReasonManual: "组织者解除结对", ReasonRepair: "重新结对", ReasonUnpaired: "尚未结对",
}

// Explanation says why a volunteer was proposed for an elder (rule P4).
type Explanation struct {
	DistanceKm    float64  `bson:"distanceKm" json:"distanceKm"`
	SameVillage   bool     `bson:"sameVillage" json:"sameVillage"`
	NeedsMet      []string `bson:"needsMet" json:"needsMet"`
	NeedsUnmet    []string `bson:"needsUnmet" json:"needsUnmet"`
	OverlapHours  float64  `bson:"overlapHours" json:"overlapHours"`
	PreferenceMet bool     `bson:"preferenceMet,omitempty" json:"preferenceMet,omitempty"`
	Pinned        string   `bson:"pinned,omitempty" json:"pinned,omitempty"`
	Text          string   `bson:"text" json:"text"`
}

// Notes are what an outgoing volunteer passes on about an elder (rule P2).
type Notes struct {
	Preferences string `bson:"preferences,omitempty" json:"preferences,omitempty" validate:"max=500"`
	Risks       string `bson:"risks,omitempty" json:"risks,omitempty" validate:"max=500"`
	WhatWorked  string `bson:"whatWorked,omitempty" json:"whatWorked,omitempty" validate:"max=500"`
}

func (n Notes) empty() bool { return n.Preferences == "" && n.Risks == "" && n.WhatWorked == "" }

// Pair is one volunteer serving one slot of one elder. Its ID is
// elder.slot.seq, seq counting the pairs the slot has had, so a slot can
// hold one pair per seq and two confirmations of the same slot cannot both
// win. Pairs are never deleted: an ended pair keeps its history.
type Pair struct {
	ID            string      `bson:"_id" json:"id"`
	Elder         string      `bson:"elder" json:"elder"`
	ElderName     string      `bson:"elderName" json:"elderName"`
	Village       string      `bson:"village" json:"village"`
	Areas         []string    `bson:"areas" json:"-"`
	County        string      `bson:"county" json:"county"`
	Slot          int         `bson:"slot" json:"slot"`
	Seq           int         `bson:"seq" json:"seq"`
	Role          string      `bson:"role" json:"role"`
	Volunteer     string      `bson:"volunteer" json:"volunteer"`
	VolunteerName string      `bson:"volunteerName" json:"volunteerName"`
	Status        string      `bson:"status" json:"status"`
	StartDate     string      `bson:"startDate" json:"startDate"`
	LastVisitAt   *time.Time  `bson:"lastVisitAt,omitempty" json:"lastVisitAt,omitempty"`
	Source        string      `bson:"source" json:"source"` // proposal, override, pin, relay
	SourceID      string      `bson:"sourceId,omitempty" json:"sourceId,omitempty"`
	Reason        string      `bson:"reason,omitempty" json:"reason,omitempty"` // an override's reason
	Explanation   Explanation `bson:"explanation" json:"explanation"`
	Notes         Notes       `bson:"notes" json:"notes"`
	By            string      `bson:"by" json:"by"`
	ByName        string      `bson:"byName" json:"byName"`
	At            time.Time   `bson:"at" json:"at"`
	EndedAt       *time.Time  `bson:"endedAt,omitempty" json:"endedAt,omitempty"`
	EndKind       string      `bson:"endKind,omitempty" json:"endKind,omitempty"`
	EndReason     string      `bson:"endReason,omitempty" json:"endReason,omitempty"`
	EndedBy       string      `bson:"endedBy,omitempty" json:"endedBy,omitempty"`
}

// Candidate is a proposed successor for a relay.
type Candidate struct {
	Volunteer     string      `bson:"volunteer" json:"volunteer"`
	VolunteerName string      `bson:"volunteerName" json:"volunteerName"`
	Cost          int64       `bson:"cost" json:"cost"`
	Explanation   Explanation `bson:"explanation" json:"explanation"`
	At            time.Time   `bson:"at" json:"at"`
}

// Relay is one open slot in the relay queue (rule P2). Its ID is
// elder.slot.seq with seq the number the successor pair will carry, so the
// same opening is recorded once, and the successor pair closes it.
type Relay struct {
	ID                string     `bson:"_id" json:"id"`
	Elder             string     `bson:"elder" json:"elder"`
	ElderName         string     `bson:"elderName" json:"elderName"`
	Village           string     `bson:"village" json:"village"`
	Areas             []string   `bson:"areas" json:"-"`
	County            string     `bson:"county" json:"county"`
	Slot              int        `bson:"slot" json:"slot"`
	Seq               int        `bson:"seq" json:"seq"`
	Role              string     `bson:"role" json:"role"`
	Reason            string     `bson:"reason" json:"reason"`
	ReasonText        string     `bson:"reasonText" json:"reasonText"`
	OpenedAt          time.Time  `bson:"openedAt" json:"openedAt"`
	OpenedDate        string     `bson:"openedDate" json:"openedDate"`
	Outgoing          string     `bson:"outgoing,omitempty" json:"outgoing,omitempty"`
	OutgoingVolunteer string     `bson:"outgoingVolunteer,omitempty" json:"outgoingVolunteer,omitempty"`
	Status            string     `bson:"status" json:"status"`
	Proposal          *Candidate `bson:"proposal,omitempty" json:"proposal,omitempty"`
	ProposalNote      string     `bson:"proposalNote,omitempty" json:"proposalNote,omitempty"`
	Successor         string     `bson:"successor,omitempty" json:"successor,omitempty"`
	ClosedAt          *time.Time `bson:"closedAt,omitempty" json:"closedAt,omitempty"`
	Version           int        `bson:"version" json:"version"`
}

// Handover passes an elder from an outgoing volunteer to a successor
// (rule P2); its ID is the relay's.
type Handover struct {
	ID         string    `bson:"_id" json:"id"`
	Elder      string    `bson:"elder" json:"elder"`
	ElderName  string    `bson:"elderName" json:"elderName"`
	Village    string    `bson:"village" json:"village"`
	Areas      []string  `bson:"areas" json:"-"`
	Slot       int       `bson:"slot" json:"slot"`
	From       string    `bson:"from,omitempty" json:"from,omitempty"`
	FromName   string    `bson:"fromName,omitempty" json:"fromName,omitempty"`
	FromPair   string    `bson:"fromPair,omitempty" json:"fromPair,omitempty"`
	To         string    `bson:"to" json:"to"`
	ToName     string    `bson:"toName" json:"toName"`
	ToPair     string    `bson:"toPair" json:"toPair"`
	People     []string  `bson:"people" json:"-"`
	Notes      Notes     `bson:"notes" json:"notes"`
	JointVisit string    `bson:"jointVisit,omitempty" json:"jointVisit,omitempty"`
	Auto       bool      `bson:"auto,omitempty" json:"auto,omitempty"`
	By         string    `bson:"by" json:"by"`
	ByName     string    `bson:"byName" json:"byName"`
	At         time.Time `bson:"at" json:"at"`
}

// Rule kinds: a pin insists on a pair, a forbid rules one out.
const (
	RulePin    = "pin"
	RuleForbid = "forbid"
)

// Rule is an organizer's pin or forbid on one elder and one volunteer.
type Rule struct {
	ID        string `bson:"_id" json:"id"`
	Kind      string `bson:"kind" json:"kind"`
	Elder     string `bson:"elder" json:"elder"`
	Volunteer string `bson:"volunteer" json:"volunteer"`
	// ElderName and VolunteerName are the names when the rule was made,
	// for the list (the console showed blank names without them).
	ElderName     string     `bson:"elderName,omitempty" json:"elderName,omitempty"`
	VolunteerName string     `bson:"volunteerName,omitempty" json:"volunteerName,omitempty"`
	Areas         []string   `bson:"areas" json:"-"`
	County        string     `bson:"county" json:"county"`
	Reason        string     `bson:"reason" json:"reason"`
	Active        bool       `bson:"active" json:"active"`
	By            string     `bson:"by" json:"by"`
	ByName        string     `bson:"byName" json:"byName"`
	At            time.Time  `bson:"at" json:"at"`
	RevokedBy     string     `bson:"revokedBy,omitempty" json:"revokedBy,omitempty"`
	RevokedAt     *time.Time `bson:"revokedAt,omitempty" json:"revokedAt,omitempty"`
	RevokedReason string     `bson:"revokedReason,omitempty" json:"revokedReason,omitempty"`
	Version       int        `bson:"version" json:"version"`
}

// Item states in a proposal.
const (
	ItemProposed  = "proposed"
	ItemKept      = "kept"
	ItemOpen      = "open"
	ItemConfirmed = "confirmed"
	ItemFailed    = "failed"
)

// Override records an organizer's hand-made choice in a proposal.
type Override struct {
	Previous string    `bson:"previous,omitempty" json:"previous,omitempty"`
	Reason   string    `bson:"reason" json:"reason"`
	By       string    `bson:"by" json:"by"`
	ByName   string    `bson:"byName" json:"byName"`
	At       time.Time `bson:"at" json:"at"`
}

// Item is one slot of a proposal.
type Item struct {
	Elder         string      `bson:"elder" json:"elder"`
	ElderName     string      `bson:"elderName" json:"elderName"`
	Village       string      `bson:"village" json:"village"`
	Slot          int         `bson:"slot" json:"slot"`
	Role          string      `bson:"role" json:"role"`
	Current       string      `bson:"current,omitempty" json:"current,omitempty"`
	Volunteer     string      `bson:"volunteer,omitempty" json:"volunteer,omitempty"`
	VolunteerName string      `bson:"volunteerName,omitempty" json:"volunteerName,omitempty"`
	VolunteerType string      `bson:"volunteerType,omitempty" json:"volunteerType,omitempty"`
	Cost          int64       `bson:"cost" json:"cost"`
	Explanation   Explanation `bson:"explanation" json:"explanation"`
	Override      *Override   `bson:"override,omitempty" json:"override,omitempty"`
	State         string      `bson:"state" json:"state"`
	Pair          string      `bson:"pair,omitempty" json:"pair,omitempty"`
	Error         string      `bson:"error,omitempty" json:"error,omitempty"`
}

// Proposal is a stored run of the optimiser over a region or selected
// elders, for an organizer to review, adjust and confirm.
type Proposal struct {
	ID       string    `bson:"_id" json:"id"`
	Region   string    `bson:"region" json:"region"`
	County   string    `bson:"county" json:"county"`
	Areas    []string  `bson:"areas" json:"-"`
	Elders   []string  `bson:"elders,omitempty" json:"elders,omitempty"`
	Repair   bool      `bson:"repair" json:"repair"`
	Policy   string    `bson:"policy" json:"policy"`
	Items    []Item    `bson:"items" json:"items"`
	Filled   int       `bson:"filled" json:"filled"`
	Unfilled int       `bson:"unfilled" json:"unfilled"`
	Cost     int64     `bson:"cost" json:"cost"`
	Warnings []string  `bson:"warnings" json:"warnings"`
	Millis   int64     `bson:"millis" json:"millis"`
	By       string    `bson:"by" json:"by"`
	ByName   string    `bson:"byName" json:"byName"`
	At       time.Time `bson:"at" json:"at"`
	Version  int       `bson:"version" json:"version"`
}

// Alert records an elder left in the relay queue longer than the county
// allows; its ID is the relay's, so each overdue relay is alerted once.
// Organizer accounts carry no phone, so alerts are records to list, not texts.
type Alert struct {
	ID        string    `bson:"_id" json:"id"`
	Relay     string    `bson:"relay" json:"relay"`
	Elder     string    `bson:"elder" json:"elder"`
	ElderName string    `bson:"elderName" json:"elderName"`
	Village   string    `bson:"village" json:"village"`
	Areas     []string  `bson:"areas" json:"-"`
	County    string    `bson:"county" json:"county"`
	Days      int       `bson:"days" json:"days"`
	Limit     int       `bson:"limit" json:"limit"`
	Message   string    `bson:"message" json:"message"`
	At        time.Time `bson:"at" json:"at"`
}
