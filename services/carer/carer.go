// Package carer runs neighbour carers (rules C1–C4): the roster, the help
// they log, and their monthly subsidy.
package carer

import (
	"context"
	"time"

	"jinhui/services/ledger"
	"jinhui/services/registry"
	"jinhui/shared/page"
)

// Kinds of help a carer logs (rule C2).
var Kinds = []string{"助餐", "助洁", "助行", "助医", "其他"}

// Roster statuses.
const (
	Active = "active"
	Left   = "left"
)

// Statement statuses (rule C3): a draft is recomputed from the logs; an
// approved statement is frozen.
const (
	Draft    = "draft"
	Approved = "approved"
)

// MaxBackdays is how many days back a carer may log help (rule C2); the
// log keeps how far back it was entered.
const MaxBackdays = 3

// Assignment pairs a carer with a person they care for in their own
// village (rule C1). The person is an elder of the register or another
// villager, kept as this small record.
type Assignment struct {
	ID          string    `bson:"_id" json:"id"`
	Carer       string    `bson:"carer" json:"carer"`
	CarerName   string    `bson:"carerName" json:"carerName"`
	Person      string    `bson:"person" json:"person"`
	PersonName  string    `bson:"personName" json:"personName"`
	Elder       string    `bson:"elder,omitempty" json:"elder,omitempty"`
	Condition   string    `bson:"condition,omitempty" json:"condition,omitempty"`
	Village     string    `bson:"village" json:"village"`
	Areas       []string  `bson:"areas" json:"-"`
	StartDate   string    `bson:"startDate" json:"startDate"`
	Agreement   string    `bson:"agreement" json:"agreement"`
	Status      string    `bson:"status" json:"status"`
	LeftDate    string    `bson:"leftDate,omitempty" json:"leftDate,omitempty"`
	LeftReason  string    `bson:"leftReason,omitempty" json:"leftReason,omitempty"`
	Centralised bool      `bson:"centralised,omitempty" json:"centralised,omitempty"`
	By          string    `bson:"by" json:"by"`
	Version     int       `bson:"version" json:"version"`
	CreatedAt   time.Time `bson:"createdAt" json:"createdAt"`
}

// Log is one piece of help a carer logged (rule C2), under the carer's
// client key so that a phone resending it logs it once.
type Log struct {
	ID         string    `bson:"_id" json:"id"`
	Carer      string    `bson:"carer" json:"carer"`
	Assignment string    `bson:"assignment" json:"assignment"`
	Person     string    `bson:"person" json:"person"`
	PersonName string    `bson:"personName" json:"personName"`
	Village    string    `bson:"village" json:"village"`
	Areas      []string  `bson:"areas" json:"-"`
	County     string    `bson:"county" json:"-"`
	Date       string    `bson:"date" json:"date"`
	Month      string    `bson:"month" json:"month"`
	Kinds      []string  `bson:"kinds" json:"kinds"`
	Minutes    int       `bson:"minutes" json:"minutes"`
	Note       string    `bson:"note,omitempty" json:"note,omitempty"`
	Backdated  int       `bson:"backdated" json:"backdated"`
	At         time.Time `bson:"at" json:"at"`
}

// Rule is a county's subsidy rule (rule C3), as data: "fixed" pays Amount
// if help was logged on at least MinDays days; "daily" pays Rate per
// logged day up to Cap. Amounts in yuan.
type Rule struct {
	County    string    `bson:"_id" json:"county"`
	Mode      string    `bson:"mode" json:"mode" validate:"required,oneof=fixed daily"`
	MinDays   int       `bson:"minDays" json:"minDays" validate:"min=0,max=31"`
	Amount    int       `bson:"amount" json:"amount" validate:"min=0,max=100000"`
	Rate      int       `bson:"rate" json:"rate" validate:"min=0,max=10000"`
	Cap       int       `bson:"cap" json:"cap" validate:"min=0,max=100000"`
	Version   int       `bson:"version" json:"version"`
	UpdatedBy string    `bson:"updatedBy,omitempty" json:"updatedBy,omitempty"`
	UpdatedAt time.Time `bson:"updatedAt" json:"updatedAt"`
}

// DefaultRule applies until a county sets its own.
func DefaultRule(county string) Rule {
	return Rule{County: county, Mode: "fixed", MinDays: 10, Amount: 300}
}

// Pay is what the rule gives for days of logged help.
func (r Rule) Pay(days int) int {
	switch r.Mode {
	case "daily":
		p := days * r.Rate
		if r.Cap > 0 && p > r.Cap {
			p = r.Cap
		}
		return p
	default:
		if days >= r.MinDays && days > 0 {
			return r.Amount
		}
		return 0
	}
}

// Statement is a carer's month (rule C3): computed from the logs, then
// approved (or adjusted with a reason) by an organizer, and then frozen.
type Statement struct {
	ID             string     `bson:"_id" json:"id"`
	Carer          string     `bson:"carer" json:"carer"`
	CarerName      string     `bson:"carerName" json:"carerName"`
	IDNumber       string     `bson:"idNumber" json:"idNumber"`
	Village        string     `bson:"village" json:"village"`
	Areas          []string   `bson:"areas" json:"-"`
	County         string     `bson:"county" json:"-"`
	Month          string     `bson:"month" json:"month"`
	Days           int        `bson:"days" json:"days"`
	Logs           int        `bson:"logs" json:"logs"`
	Minutes        int        `bson:"minutes" json:"minutes"`
	Rule           Rule       `bson:"rule" json:"rule"`
	Computed       int        `bson:"computed" json:"computed"`
	Amount         int        `bson:"amount" json:"amount"`
	Reason         string     `bson:"reason,omitempty" json:"reason,omitempty"`
	Status         string     `bson:"status" json:"status"`
	ApprovedBy     string     `bson:"approvedBy,omitempty" json:"approvedBy,omitempty"`
	ApprovedByName string     `bson:"approvedByName,omitempty" json:"approvedByName,omitempty"`
	ApprovedAt     *time.Time `bson:"approvedAt,omitempty" json:"approvedAt,omitempty"`
	Version        int        `bson:"version" json:"version"`
	UpdatedAt      time.Time  `bson:"updatedAt" json:"updatedAt"`
}

// Store is what carers need from the database.
type Store interface {
	Carer(ctx context.Context, id string) (registry.Carer, error)
	Elder(ctx context.Context, id string) (registry.Elder, error)
	Region(ctx context.Context, code string) (registry.Region, error)
	CarersIn(ctx context.Context, area string) ([]registry.Carer, error)
	InsertAssignment(ctx context.Context, a Assignment) error
	Assignment(ctx context.Context, id string) (Assignment, error)
	// Assignments is one page of the roster of an area or of one carer,
	// of one status when status is set, and its number of lines.
	Assignments(ctx context.Context, area, carer, status string, pg page.Params) ([]Assignment, int, error)
	ReplaceAssignment(ctx context.Context, a *Assignment) error
	InsertCarerLog(ctx context.Context, l Log) error
	CarerLog(ctx context.Context, id string) (Log, error)
	CarerLogs(ctx context.Context, area, carer, month string) ([]Log, error)
	// CarerLogPage is one page of CarerLogs and its number of logs.
	CarerLogPage(ctx context.Context, area, carer, month string, pg page.Params) ([]Log, int, error)
	CarerRule(ctx context.Context, county string) (Rule, error)
	PutCarerRule(ctx context.Context, r *Rule) error
	Statement(ctx context.Context, id string) (Statement, error)
	Statements(ctx context.Context, area, carer, month string) ([]Statement, error)
	// StatementPage is one page of Statements and its number of statements.
	StatementPage(ctx context.Context, area, carer, month string, pg page.Params) ([]Statement, int, error)
	PutStatement(ctx context.Context, st *Statement, readVersion int) error
}

// Ledger is where logs and approved subsidies are counted.
type Ledger interface {
	Append(ctx context.Context, e ledger.Entry) error
	ApplySubsidy(ctx context.Context, s ledger.Subsidy) error
}
