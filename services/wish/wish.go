// Package wish runs micro-wishes (微心愿) and the exchange page (rule R3):
// elders' small needs recorded by their volunteers or organizers,
// published without anything that identifies the elder, claimed by donors
// and delivered on a visit with the "winter item" (S2); and activity posts
// and volunteers' stories shown on a public page. It is free of HTTP,
// database and queue code.
package wish

import (
	"context"
	"time"

	"jinhui/services/registry"
	"jinhui/shared/page"
)

// Wish statuses.
const (
	StatusPending   = "pending"   // recorded, awaiting an organizer's approval
	StatusPublished = "published" // on the public page, open to donors
	StatusClaimed   = "claimed"   // held by a donor until Claim.Until
	StatusDelivered = "delivered" // handed over on a visit
	StatusRejected  = "rejected"
)

// StatusName is the Chinese label of each status.
var StatusName = map[string]string{
	StatusPending: "待审核", StatusPublished: "待认领", StatusClaimed: "已认领", StatusDelivered: "已送达", StatusRejected: "未通过",
}

// Step kinds: every step of a wish is recorded with who and when.
const (
	StepRecorded  = "recorded"
	StepApproved  = "approved"
	StepRejected  = "rejected"
	StepClaimed   = "claimed"
	StepExpired   = "expired"
	StepDelivered = "delivered"
	StepThanked   = "thanked"
)

// Donor kinds.
var DonorKinds = map[string]string{"person": "爱心人士", "company": "爱心企业", "league": "团组织"}

// Categories of need.
var Categories = map[string]string{"coat": "御寒衣物", "heater": "取暖用品", "glasses": "老花镜", "repair": "维修配件", "daily": "生活用品", "other": "其他"}

// Step is one recorded step of a wish.
type Step struct {
	Kind   string    `bson:"kind" json:"kind"`
	Seq    int       `bson:"seq,omitempty" json:"seq,omitempty"` // the claim it concerns
	By     string    `bson:"by" json:"by"`
	ByName string    `bson:"byName" json:"byName"`
	Note   string    `bson:"note,omitempty" json:"note,omitempty"`
	Visit  string    `bson:"visit,omitempty" json:"visit,omitempty"`
	At     time.Time `bson:"at" json:"at"`
}

// Claim is one donor's claim of a wish. Its ID is wish:seq, inserted
// before the wish changes, so that two donors can never both win claim n
// (the insert of the second fails on the unique _id).
type Claim struct {
	ID        string    `bson:"_id" json:"id"`
	Wish      string    `bson:"wish" json:"wish"`
	Seq       int       `bson:"seq" json:"seq"`
	DonorKind string    `bson:"donorKind" json:"donorKind"`
	Name      string    `bson:"name" json:"name"`
	Org       string    `bson:"org,omitempty" json:"org,omitempty"`
	Phone     string    `bson:"phone" json:"phone"` // E.164; masked in every answer
	At        time.Time `bson:"at" json:"at"`
	Until     time.Time `bson:"until" json:"until"`
	IPHash    string    `bson:"ipHash,omitempty" json:"-"`
}

// Wish is one elder's small need. Areas and Elder never leave the staff
// API; the public sees View.
type Wish struct {
	ID          string    `bson:"_id" json:"id"`
	Elder       string    `bson:"elder" json:"elder"`
	ElderName   string    `bson:"elderName" json:"elderName"`
	Village     string    `bson:"village" json:"village"`
	VillageName string    `bson:"villageName" json:"villageName"`
	County      string    `bson:"county" json:"county"`
	CountyName  string    `bson:"countyName" json:"countyName"`
	Areas       []string  `bson:"areas" json:"-"`
	AgeBand     string    `bson:"ageBand" json:"ageBand"`
	Category    string    `bson:"category" json:"category"`
	Need        string    `bson:"need" json:"need"`
	Detail      string    `bson:"detail,omitempty" json:"detail,omitempty"`
	Value       int       `bson:"value" json:"value"` // estimated, in yuan
	Status      string    `bson:"status" json:"status"`
	ClaimSeq    int       `bson:"claimSeq" json:"claimSeq"`
	Claim       *Claim    `bson:"claim,omitempty" json:"claim,omitempty"`
	Steps       []Step    `bson:"steps" json:"steps"`
	Version     int       `bson:"version" json:"version"`
	CreatedAt   time.Time `bson:"createdAt" json:"createdAt"`
	UpdatedAt   time.Time `bson:"updatedAt" json:"updatedAt"`
}

// Masked returns a copy for staff answers: the donor's phone masked.
func (w Wish) Masked() Wish {
	if w.Claim != nil {
		c := *w.Claim
		c.Phone = maskPhone(c.Phone)
		w.Claim = &c
	}
	return w
}

// View is what the public sees of a wish: the village-level area, the age
// band and the need; no name, ID number, phone or address of the elder,
// and no donor's phone.
type View struct {
	ID          string     `json:"id"`
	VillageName string     `json:"villageName"`
	CountyName  string     `json:"countyName"`
	County      string     `json:"county"`
	AgeBand     string     `json:"ageBand"`
	Category    string     `json:"category"`
	Need        string     `json:"need"`
	Detail      string     `json:"detail,omitempty"`
	Value       int        `json:"value"`
	Status      string     `json:"status"`
	Label       string     `json:"label"`
	Donor       string     `json:"donor,omitempty"` // donor kind label, or the organisation's name
	Until       *time.Time `json:"until,omitempty"`
	PublishedAt time.Time  `json:"publishedAt"`
}

// View returns the public view of w.
func (w Wish) View() View {
	v := View{ID: w.ID, VillageName: w.VillageName, CountyName: w.CountyName, County: w.County, AgeBand: w.AgeBand, Category: w.Category,
		Need: w.Need, Detail: w.Detail, Value: w.Value, Status: w.Status, Label: StatusName[w.Status]}
	for _, st := range w.Steps {
		if st.Kind == StepApproved {
			v.PublishedAt = st.At
		}
	}
	if w.Claim != nil && (w.Status == StatusClaimed || w.Status == StatusDelivered) {
		v.Donor = DonorKinds[w.Claim.DonorKind]
		if w.Claim.DonorKind != "person" && w.Claim.Org != "" {
			v.Donor = w.Claim.Org
		}
		if w.Status == StatusClaimed {
			u := w.Claim.Until
			v.Until = &u
		}
	}
	return v
}

// Filter selects wishes.
type Filter struct {
	Area        string   // within this subtree
	Status      []string // any of these
	Elders      []string // any of these elders
	ClaimBefore time.Time
	// Order is a field of Sorts (empty: newest first).
	Order  page.Order
	Offset int
	Limit  int
}

// Sorts are the columns the wish list sorts on, on the server (each served
// by an index on the subtree and the column).
var Sorts = []string{"createdAt", "value", "status"}

// Store is what wishes and the exchange page need from the database.
type Store interface {
	Elder(ctx context.Context, id string) (registry.Elder, error)
	Region(ctx context.Context, code string) (registry.Region, error)
	Volunteer(ctx context.Context, id string) (registry.Volunteer, error)
	InsertWish(ctx context.Context, w Wish) error
	Wish(ctx context.Context, id string) (Wish, error)
	ReplaceWish(ctx context.Context, w *Wish) error
	Wishes(ctx context.Context, f Filter) ([]Wish, int, error)
	AllWishes(ctx context.Context, area string, fn func(Wish) error) error
	InsertWishClaim(ctx context.Context, c Claim) error
	// WishClaim returns one claim by its id (wish:seq); NotFound if none.
	WishClaim(ctx context.Context, id string) (Claim, error)
	VolunteerElders(ctx context.Context, volunteer string) ([]string, error)
	// MarkElderClaim, UnmarkElderClaim and ElderClaims keep, per elder,
	// the ids of wishes that may be claimed, so that a check-out finds them
	// by _id instead of scanning the wishes. The list may hold stale ids
	// (a wish is always re-read) but never misses a claimed one: an id is
	// added before its claim and removed after its wish has moved on.
	MarkElderClaim(ctx context.Context, elder, wish string) error
	UnmarkElderClaim(ctx context.Context, elder, wish string) error
	ElderClaims(ctx context.Context, elder string) ([]string, error)

	InsertPost(ctx context.Context, p Post) error
	Post(ctx context.Context, id string) (Post, error)
	ReplacePost(ctx context.Context, p *Post) error
	Posts(ctx context.Context, f PostFilter) ([]Post, int, error)
	InsertPhoto(ctx context.Context, ph Photo) error
	Photo(ctx context.Context, id string) (Photo, error)
	AttachPhoto(ctx context.Context, id, by, post string) error
	ElderNamesIn(ctx context.Context, area string) ([]string, error)
}

// Codes are the one-time SMS codes and Redis-held rate limits (auth.Codes).
type Codes interface {
	Allow(ctx context.Context, key string, n int, per time.Duration) error
	Issue(ctx context.Context, purpose, phone, format string) error
	Check(ctx context.Context, purpose, phone, code string) error
}

// SMS sends a text under a business key (same key ⇒ sent once).
type SMS interface {
	Send(ctx context.Context, key, to, kind, body string) error
}

// Cache holds the public lists for a short while, shared by every API
// process (Redis): the embedded store scans the wishes for every list, and
// the public page needs no login. Get returns nil on a miss.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, error)
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
}

// PublicTTL is how long a public list is cached.
const PublicTTL = 30 * time.Second

// Limits are the public side's rate limits and the claim's hold.
type Limits struct {
	ClaimDays       int // how long a claim holds before the wish reopens
	CodesPerIPHour  int
	ClaimsPerIPHour int
	ActivePerPhone  int // claims one phone may hold at once
}

// DefaultLimits are the limits unless configured.
var DefaultLimits = Limits{ClaimDays: 7, CodesPerIPHour: 20, ClaimsPerIPHour: 20, ActivePerPhone: 3}

// Service runs micro-wishes and the exchange page.
type Service struct {
	Store  Store
	Codes  Codes
	SMS    SMS
	Limits Limits
	Cache  Cache // may be nil
	Now    func() time.Time
	// NewID makes record ids; registry.NewID unless set.
	NewID func() string
}

// New returns the service with the default limits.
func New(store Store, codes Codes, sms SMS) *Service {
	return &Service{Store: store, Codes: codes, SMS: sms, Limits: DefaultLimits, Now: time.Now, NewID: registry.NewID}
}
