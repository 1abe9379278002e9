package ledger

import (
	"context"
	"strings"
	"time"

	"jinhui/services/registry"
	"jinhui/shared/page"
)

// Sums are the figures one entry (or one approved subsidy) adds to a
// bucket. Minutes are kept per kind so that credit and honour hours stay
// apart everywhere (rule V6).
type Sums struct {
	Credit    int `bson:"credit" json:"creditMinutes"`
	Honour    int `bson:"honour" json:"honourMinutes"`
	Carer     int `bson:"carer" json:"carerMinutes"`
	Visits    int `bson:"visits" json:"visits"`
	Over4h    int `bson:"over4h" json:"over4h"`
	CarerLogs int `bson:"carerLogs" json:"carerLogs"`
	Subsidy   int `bson:"subsidy" json:"subsidyYuan"`
	Recruited int `bson:"recruited" json:"recruited"`
}

// Add returns s + o.
func (s Sums) Add(o Sums) Sums {
	return Sums{Credit: s.Credit + o.Credit, Honour: s.Honour + o.Honour, Carer: s.Carer + o.Carer, Visits: s.Visits + o.Visits,
		Over4h: s.Over4h + o.Over4h, CarerLogs: s.CarerLogs + o.CarerLogs, Subsidy: s.Subsidy + o.Subsidy, Recruited: s.Recruited + o.Recruited}
}

// Delta is what e adds to every bucket it falls in. A reversal (negative
// minutes) takes its visit, over-4-hours mark and log back out; a restore
// (the reversal of a reversal) puts them back.
func (e Entry) Delta() Sums {
	n := 1
	if e.Minutes < 0 || e.Reverses != "" && !e.reinstates() {
		n = -1
	}
	var d Sums
	switch e.Kind {
	case KindCredit:
		d.Credit, d.Visits = e.Minutes, n
		if e.Over4h {
			d.Over4h = n
		}
	case KindHonour:
		d.Honour = e.Minutes
	case KindCarer:
		d.Carer, d.CarerLogs = e.Minutes, n
	}
	return d
}

// reinstates reports whether e undoes a reversal. Restores written before
// the Reinstates mark existed are known by their key.
func (e Entry) reinstates() bool {
	return e.Reinstates || strings.HasPrefix(e.ID, "restore:")
}

// Applied is one entry's (or approved subsidy's) addition to the totals,
// under its key.
type Applied struct {
	Key    string
	Areas  []string
	People []string
	Month  string
	Sums   Sums
}

// Register are the register figures of an area, counted by the census
// that runs with every rebuild (rule R1): villages taking part, active
// volunteers, active pairs, active elders and those covered by a pair,
// active carers and the people on the carer roster.
type Register struct {
	Villages   int `bson:"villages" json:"villages"`
	Volunteers int `bson:"volunteers" json:"volunteers"`
	Pairs      int `bson:"pairs" json:"pairs"`
	Elders     int `bson:"elders" json:"elders"`
	Covered    int `bson:"covered" json:"eldersCovered"`
	Carers     int `bson:"carers" json:"carers"`
	CaredFor   int `bson:"caredFor" json:"caredFor"`
}

// Add returns r + o.
func (r Register) Add(o Register) Register {
	return Register{r.Villages + o.Villages, r.Volunteers + o.Volunteers, r.Pairs + o.Pairs, r.Elders + o.Elders,
		r.Covered + o.Covered, r.Carers + o.Carers, r.CaredFor + o.CaredFor}
}

// AreaTotals is one area's figures: one document per area code (of every
// level), with the ledger sums by month and the census. Reading a
// region's figures reads these documents by _id and never the ledger.
type AreaTotals struct {
	ID       string          `bson:"_id" json:"code"`
	Months   map[string]Sums `bson:"months" json:"months"`
	Register Register        `bson:"register" json:"register"`
	CensusAt time.Time       `bson:"censusAt" json:"censusAt"`
}

// PersonTotals are one volunteer's, elder's or carer's sums by month
// (_id "v:<id>", "e:<id>" or "c:<id>").
type PersonTotals struct {
	ID     string          `bson:"_id" json:"-"`
	Months map[string]Sums `bson:"months" json:"months"`
}

// Subsidy is an approved carer statement, as the totals count it.
type Subsidy struct {
	ID     string
	Carer  string
	Areas  []string
	Month  string
	Amount int
}

// Store is what the ledger needs from the database.
type Store interface {
	RecordEntry(ctx context.Context, e Entry) error
	LedgerEntry(ctx context.Context, id string) (Entry, error)
	// ApplyDelta adds a to the totals once per key: the delta is inserted
	// under the key (a retry finds it), and a key a snapshot counts
	// already adds nothing. Any crash is repaired by a resend or a rebuild.
	ApplyDelta(ctx context.Context, a Applied) error
	// EachEntry streams the whole ledger (the rebuild only).
	EachEntry(ctx context.Context, fn func(Entry) error) error
	EachSubsidy(ctx context.Context, fn func(Subsidy) error) error
	// CensusRows reads the register rows of the subtree of scope ("":
	// everything) that the census counts.
	CensusRows(ctx context.Context, scope string) (CensusRows, error)
	// ReplaceTotals switches to a new snapshot of the totals that counts
	// exactly the keys of counted.
	ReplaceTotals(ctx context.Context, areas []AreaTotals, people []PersonTotals, counted []Applied) error
	// PendingTotals returns the snapshot's totals documents and the deltas
	// applied since (Compact folds them).
	PendingTotals(ctx context.Context) ([]AreaTotals, []PersonTotals, []Applied, error)
	// TryLock takes the deployment-wide lease name for token until the
	// time given (a Conflict while another holder's lease runs); RenewLock
	// extends it (NotFound once lost); Unlock gives it back.
	TryLock(ctx context.Context, name, token string, until time.Time) error
	RenewLock(ctx context.Context, name, token string, until time.Time) error
	Unlock(ctx context.Context, name, token string) error
	AreaTotals(ctx context.Context, codes []string) (map[string]AreaTotals, error)
	PersonTotals(ctx context.Context, id string) (PersonTotals, error)
	LedgerEntries(ctx context.Context, f Filter) ([]Entry, int, error)
	InsertCertificate(ctx context.Context, c Certificate) error
	Certificate(ctx context.Context, code string) (Certificate, error)
	Volunteer(ctx context.Context, id string) (registry.Volunteer, error)
	Region(ctx context.Context, code string) (registry.Region, error)
}

// Filter selects ledger entries for a list.
type Filter struct {
	Area      string
	Volunteer string
	Month     string
	// Order is a field of Sorts (empty: newest first), for the list only.
	Order  page.Order
	Offset int
	Limit  int
}

// Sorts are the columns the entry list sorts on, on the server (each
// served by an index on the subtree or the volunteer, the column and _id).
var Sorts = []string{"date", "minutes"}
