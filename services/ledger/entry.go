// Package ledger is the service-hour ledger (rule V6): append-only
// entries, one per completed visit or carer log, each under a unique
// business key so that a retried write never counts twice. A correction is
// a reversing entry plus a new one.
package ledger

import "time"

// Kinds of entry.
const (
	KindCredit = "credit" // hours from checked-in/checked-out visits
	KindHonour = "honour" // hours added by an organizer, with reason and approver
	KindCarer  = "carer"  // a neighbour carer's logged help (rule C2)
)

// Entry is one line of the ledger. Minutes are negative in a reversal.
type Entry struct {
	ID        string   `bson:"_id" json:"id"`
	Kind      string   `bson:"kind" json:"kind"`
	Volunteer string   `bson:"volunteer,omitempty" json:"volunteer,omitempty"`
	Carer     string   `bson:"carer,omitempty" json:"carer,omitempty"`
	Elder     string   `bson:"elder,omitempty" json:"elder,omitempty"`
	Areas     []string `bson:"areas" json:"-"`
	Village   string   `bson:"village" json:"village"`
	Date      string   `bson:"date" json:"date"`
	Month     string   `bson:"month" json:"month"`
	Minutes   int      `bson:"minutes" json:"minutes"`
	Over4h    bool     `bson:"over4h,omitempty" json:"over4h,omitempty"`
	Items     []string `bson:"items,omitempty" json:"items,omitempty"`
	Source    string   `bson:"source" json:"source"`
	SourceID  string   `bson:"sourceId" json:"sourceId"`
	Reverses  string   `bson:"reverses,omitempty" json:"reverses,omitempty"`
	// Reinstates marks an entry that undoes a reversal (a suspension's
	// restore): it reverses Reverses, so it counts the visit back in.
	Reinstates bool `bson:"reinstates,omitempty" json:"reinstates,omitempty"`
	// To is, on a correction's reversal, the minutes the correction sets
	// (so that a correction cut short by a crash can be completed).
	To       int       `bson:"to,omitempty" json:"-"`
	Reason   string    `bson:"reason,omitempty" json:"reason,omitempty"`
	By       string    `bson:"by" json:"by"`
	ByName   string    `bson:"byName" json:"byName"`
	Approver string    `bson:"approver,omitempty" json:"approver,omitempty"`
	At       time.Time `bson:"at" json:"at"`
}
