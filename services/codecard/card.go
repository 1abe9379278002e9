package codecard

import "time"

// Card statuses.
const (
	StatusActive  = "active"
	StatusRevoked = "revoked"
)

// StatusName is the Chinese label of each status.
var StatusName = map[string]string{StatusActive: "使用中", StatusRevoked: "已作废"}

// Card is an elder's current visit code card; its ID is the elder's, so an
// elder has one card at a time. Reprinting gives a new secret and a new
// generation; the card it replaces is kept in the history.
type Card struct {
	ID          string     `bson:"_id" json:"elder"`
	ElderName   string     `bson:"elderName" json:"elderName"`
	Village     string     `bson:"village" json:"village"`
	Areas       []string   `bson:"areas" json:"-"`
	Generation  int        `bson:"generation" json:"generation"`
	Secret      []byte     `bson:"secret" json:"-"`
	From        string     `bson:"from" json:"from"`
	Months      []string   `bson:"months" json:"months"`
	Status      string     `bson:"status" json:"status"`
	StatusName  string     `bson:"-" json:"statusName"`
	IssuedAt    time.Time  `bson:"issuedAt" json:"issuedAt"`
	IssuedBy    string     `bson:"issuedBy" json:"issuedBy"`
	IssuedName  string     `bson:"issuedByName" json:"issuedByName"`
	Reason      string     `bson:"reason,omitempty" json:"reason,omitempty"`
	RevokedAt   *time.Time `bson:"revokedAt,omitempty" json:"revokedAt,omitempty"`
	RevokedBy   string     `bson:"revokedByName,omitempty" json:"revokedByName,omitempty"`
	RevokeCause string     `bson:"revokeReason,omitempty" json:"revokeReason,omitempty"`
	Version     int        `bson:"version" json:"version"`
}

// Covers reports whether the card is in use and lists month.
func (c Card) Covers(month string) bool {
	if c.Status != StatusActive {
		return false
	}
	for _, m := range c.Months {
		if m == month {
			return true
		}
	}
	return false
}

// Attempts are the codes tried for one visit; its ID is the visit's.
type Attempts struct {
	ID        string `bson:"_id" json:"visit"`
	Elder     string `bson:"elder" json:"elder"`
	Wrong     int    `bson:"wrong" json:"wrong"`
	Confirmed bool   `bson:"confirmed" json:"confirmed"`
	Version   int    `bson:"version" json:"version"`
}

// IssueInput issues or reprints an elder's card.
type IssueInput struct {
	// From is the first month on the card (YYYY-MM); default this month.
	From string `json:"from,omitempty" validate:"omitempty,datetime=2006-01"`
	// Reason is required when a card in use is replaced (lost, photographed).
	Reason string `json:"reason,omitempty" validate:"max=200"`
}

// RevokeInput revokes a card.
type RevokeInput struct {
	Reason string `json:"reason" validate:"required,max=200"`
}

// PrintInput chooses the cards to print: given elders, or every card in
// use in an area.
type PrintInput struct {
	Elders []string `json:"elders,omitempty" validate:"max=500,dive,max=64"`
	Area   string   `json:"area,omitempty" validate:"max=12"`
}

// Printed is one card as printed: the codes appear only here.
type Printed struct {
	Elder       string      `json:"elder"`
	ElderName   string      `json:"elderName"`
	VillageName string      `json:"villageName"`
	Generation  int         `json:"generation"`
	Codes       []MonthCode `json:"codes"`
}

// MonthCode is one month's line on a card.
type MonthCode struct {
	Month string `json:"month"`
	Code  string `json:"code"`
}

// Offline is what a volunteer's phone holds to check a visit's code
// without a network.
type Offline struct {
	Visit      string `json:"visit"`
	HasCard    bool   `json:"hasCard"`
	Salt       string `json:"salt,omitempty"`
	Iterations int    `json:"iterations,omitempty"`
	Hash       string `json:"hash,omitempty"`
	WrongLeft  int    `json:"wrongLeft"`
	Confirmed  bool   `json:"confirmed"`
}

// TryInput is a code typed on the phone while online.
type TryInput struct {
	Code string `json:"code" validate:"required,numeric,len=6"`
}

// TryResult says whether a code was right and how many tries are left.
type TryResult struct {
	Right     bool `json:"right"`
	WrongLeft int  `json:"wrongLeft"`
	Flagged   bool `json:"flagged"`
}
