// Package family brings an elder's family far away into the loop, with
// their consent (PIPL: consent recorded separately for each member, and
// withdrawable at any time): after each visit a family member gets a short
// text of who came and what was done, once a month a summary; a reply can
// confirm the visit, raise a concern that enters the problem ledger (rule
// Q3), or withdraw consent (退订).
package family

import "time"

// Consent scopes: what a family member agreed to receive.
const (
	ScopeBasic  = "basic"  // who came, what was done
	ScopeHealth = "health" // also the elder's condition and the volunteer's notes
)

// Ways consent is given or withdrawn.
const (
	HowForm      = "form"      // a signed form, photographed
	HowSMS       = "sms"       // the family member's SMS reply
	HowOrganizer = "organizer" // withdrawn by an organizer on request
)

// Consent states.
const (
	ConsentNone      = "none"      // not asked yet
	ConsentRequested = "requested" // asked by SMS, waiting for 同意
	ConsentGiven     = "given"
	ConsentWithdrawn = "withdrawn"
)

// Names are the Chinese labels of the codes above.
var Names = map[string]string{
	ScopeBasic: "探访情况", ScopeHealth: "探访情况及健康状况",
	HowForm: "签字同意书(拍照)", HowSMS: "家属短信回复", HowOrganizer: "组织者登记",
	ConsentNone: "未征得同意", ConsentRequested: "已发送征询短信", ConsentGiven: "已同意", ConsentWithdrawn: "已撤回",
}

// Member is a family member far away; ID is elder:n.
type Member struct {
	ID          string       `bson:"_id" json:"id"`
	Elder       string       `bson:"elder" json:"elder"`
	ElderName   string       `bson:"elderName" json:"elderName"`
	Village     string       `bson:"village" json:"village"`
	Areas       []string     `bson:"areas" json:"-"`
	Name        string       `bson:"name" json:"name"`
	Relation    string       `bson:"relation" json:"relation"`
	Phone       string       `bson:"phone" json:"phone"`
	Consent     string       `bson:"consent" json:"consent"`
	ConsentName string       `bson:"-" json:"consentName"`
	Scope       string       `bson:"scope,omitempty" json:"scope,omitempty"`
	History     []ConsentLog `bson:"history" json:"history"`
	Version     int          `bson:"version" json:"version"`
	CreatedAt   time.Time    `bson:"createdAt" json:"createdAt"`
	By          string       `bson:"byName" json:"byName"`
}

// ConsentLog is one step of a member's consent: who, when, how.
type ConsentLog struct {
	State   string    `bson:"state" json:"state"`
	Scope   string    `bson:"scope,omitempty" json:"scope,omitempty"`
	How     string    `bson:"how" json:"how"`
	GivenBy string    `bson:"givenBy,omitempty" json:"givenBy,omitempty"`
	Photo   string    `bson:"photo,omitempty" json:"photo,omitempty"`
	SID     string    `bson:"sid,omitempty" json:"-"`
	Reason  string    `bson:"reason,omitempty" json:"reason,omitempty"`
	By      string    `bson:"byName" json:"byName"`
	At      time.Time `bson:"at" json:"at"`
}

// Active reports whether texts may go to the member.
func (m Member) Active() bool { return m.Consent == ConsentGiven }

// MemberInput adds a family member (no consent yet).
type MemberInput struct {
	Name     string `json:"name" validate:"required,max=32"`
	Relation string `json:"relation" validate:"required,max=16"`
	Phone    string `json:"phone" validate:"required,max=32"`
}

// ConsentInput records consent given on a signed form, or (how=sms) asks
// for it by SMS.
type ConsentInput struct {
	How     string `json:"how" validate:"required,oneof=form sms"`
	Scope   string `json:"scope" validate:"required,oneof=basic health"`
	GivenBy string `json:"givenBy,omitempty" validate:"max=32"`
	Photo   string `json:"photo,omitempty" validate:"max=64"`
	Version int    `json:"version" validate:"required"`
}

// WithdrawInput withdraws consent on the family member's request.
type WithdrawInput struct {
	Reason  string `json:"reason" validate:"required,max=200"`
	Version int    `json:"version" validate:"required"`
}

// Reply is an SMS from a family member, kept for organizers.
type Reply struct {
	ID        string    `bson:"_id" json:"id"`
	Member    string    `bson:"member" json:"member"`
	Name      string    `bson:"name" json:"name"`
	Relation  string    `bson:"relation" json:"relation"`
	Elder     string    `bson:"elder" json:"elder"`
	ElderName string    `bson:"elderName" json:"elderName"`
	Village   string    `bson:"village" json:"village"`
	Areas     []string  `bson:"areas" json:"-"`
	Body      string    `bson:"body" json:"body"`
	Kind      string    `bson:"kind" json:"kind"`
	KindName  string    `bson:"-" json:"kindName"`
	Problem   string    `bson:"problem,omitempty" json:"problem,omitempty"`
	At        time.Time `bson:"at" json:"at"`
}

// Reply kinds.
const (
	ReplyConsent  = "consent"
	ReplyWithdraw = "withdraw"
	ReplyConfirm  = "confirm"
	ReplyConcern  = "concern"
)

// ReplyName is the Chinese label of each reply kind.
var ReplyName = map[string]string{ReplyConsent: "同意接收", ReplyWithdraw: "退订", ReplyConfirm: "确认探访", ReplyConcern: "反映问题"}

// FigureRow counts, for one child area, the elders and those with a
// family member who consented.
type FigureRow struct {
	Area       string `json:"area"`
	Elders     int    `json:"elders"`
	WithFamily int    `json:"withFamily"`
	Consented  int    `json:"consented"`
	Replies    int    `json:"replies"`
	Concerns   int    `json:"concerns"`
}
