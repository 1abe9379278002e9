// Package recruit runs volunteer recruitment (rules V1–V6): calls,
// public applications, screening, partner organisations, training and
// the volunteer handbook, and the recruitment funnel.
//
// Nothing here needs a transaction: duplicates are refused by claim
// documents with unique ids, quota places and training seats are numbered
// slot documents claimed by inserts, and each multi-step operation can be
// repeated to finish what a failure left half done.
package recruit

import (
	"context"
	"time"

	"jinhui/services/audit"
	"jinhui/services/auth"
	"jinhui/services/registry"
	"jinhui/shared/page"
)

// Kinds of volunteer a call may ask for (PROGRAMME.md "People", rule P3);
// the codes are the registry's volunteer types.
var Kinds = map[string]string{
	registry.TypeNeighbour: "邻里互助志愿者", registry.TypeUrban: "城乡互助志愿者", registry.TypeDoctor: "青年医生",
	registry.TypePsychologist: "心理咨询师", registry.TypeGroup: "青年志愿者小组",
}

// Application statuses.
const (
	StatusPending    = "pending"
	StatusWaitlisted = "waitlisted"
	StatusAccepted   = "accepted"
	StatusRejected   = "rejected"
)

// StatusName is the Chinese label of each application status.
var StatusName = map[string]string{
	StatusPending: "待审核", StatusWaitlisted: "候补", StatusAccepted: "已录用", StatusRejected: "未录用",
}

// Training states of a volunteer (registry.Volunteer.Training).
const (
	TrainingInvited  = "invited"
	TrainingAttended = "attended"
)

// Quota is the number of volunteers a call accepts in one child region.
type Quota struct {
	Area  string `bson:"area" json:"area" validate:"required,len=12,numeric"`
	Name  string `bson:"name" json:"name"`
	Quota int    `bson:"quota" json:"quota" validate:"min=0,max=100000"`
}

// Call is a recruitment call (倡议书, rule V1) published by an organizer for
// their region. With Quotas set, only the listed child regions take part
// and each accepts at most its quota; without, the whole region takes part,
// capped by Total when it is above zero.
type Call struct {
	ID            string    `bson:"_id" json:"id"`
	Region        string    `bson:"region" json:"region"`
	RegionName    string    `bson:"regionName" json:"regionName"`
	Areas         []string  `bson:"areas" json:"-"`
	Title         string    `bson:"title" json:"title"`
	Text          string    `bson:"text" json:"text"`
	Kinds         []string  `bson:"kinds" json:"kinds"`
	Quotas        []Quota   `bson:"quotas" json:"quotas"`
	Total         int       `bson:"total,omitempty" json:"total,omitempty"`
	Opens         string    `bson:"opens" json:"opens"`
	Closes        string    `bson:"closes" json:"closes"`
	Closed        bool      `bson:"closed" json:"closed"`
	CreatedBy     string    `bson:"createdBy" json:"createdBy"`
	CreatedByName string    `bson:"createdByName" json:"createdByName"`
	Version       int       `bson:"version" json:"version"`
	CreatedAt     time.Time `bson:"createdAt" json:"createdAt"`
	UpdatedAt     time.Time `bson:"updatedAt" json:"updatedAt"`
	// Link is the public application page; not stored.
	Link string `bson:"-" json:"link,omitempty"`
}

// Open reports whether the call takes applications on day (YYYY-MM-DD).
func (c Call) Open(day string) bool {
	return !c.Closed && day >= c.Opens && day <= c.Closes
}

// Scores are the four screening criteria of rule V2, each 1 (poor) to 5.
type Scores struct {
	Time       int `bson:"time" json:"time" validate:"min=1,max=5"`
	Care       int `bson:"care" json:"care" validate:"min=1,max=5"`
	Experience int `bson:"experience" json:"experience" validate:"min=1,max=5"`
	Standing   int `bson:"standing" json:"standing" validate:"min=1,max=5"`
}

// Sum is the total of the four scores.
func (s Scores) Sum() int { return s.Time + s.Care + s.Experience + s.Standing }

// Decision is one screening step: scores, a note and, unless it only
// records scores, the new status; who and when.
type Decision struct {
	Status string    `bson:"status,omitempty" json:"status,omitempty"`
	Scores *Scores   `bson:"scores,omitempty" json:"scores,omitempty"`
	Note   string    `bson:"note,omitempty" json:"note,omitempty"`
	By     string    `bson:"by" json:"by"`
	ByName string    `bson:"byName" json:"byName"`
	Region string    `bson:"region" json:"region"`
	At     time.Time `bson:"at" json:"at"`
}

// Consent records the applicant's consent to the processing of their
// personal data: which text, and when.
type Consent struct {
	Version string    `bson:"version" json:"version"`
	At      time.Time `bson:"at" json:"at"`
}

// Application is one person's application to a call (rules V2–V4).
type Application struct {
	ID            string     `bson:"_id" json:"id"`
	CallID        string     `bson:"callId" json:"callId"`
	CallTitle     string     `bson:"callTitle" json:"callTitle"`
	Name          string     `bson:"name" json:"name"`
	IDNumber      string     `bson:"idNumber" json:"idNumber"`
	Phone         string     `bson:"phone" json:"phone"`
	Gender        string     `bson:"gender" json:"gender"`
	BirthDate     string     `bson:"birthDate" json:"birthDate"`
	Village       string     `bson:"village" json:"village"`
	VillageName   string     `bson:"villageName" json:"villageName"`
	Areas         []string   `bson:"areas" json:"-"`
	QuotaArea     string     `bson:"quotaArea" json:"quotaArea"`
	Kind          string     `bson:"kind" json:"kind"`
	SourceKind    string     `bson:"sourceKind" json:"sourceKind"`
	SourceOrg     string     `bson:"sourceOrg,omitempty" json:"sourceOrg,omitempty"`
	PartnerID     string     `bson:"partnerId,omitempty" json:"partnerId,omitempty"`
	Skills        []string   `bson:"skills" json:"skills"`
	HoursPerMonth int        `bson:"hoursPerMonth" json:"hoursPerMonth"`
	Experience    string     `bson:"experience,omitempty" json:"experience,omitempty"`
	Motivation    string     `bson:"motivation" json:"motivation"`
	Consent       Consent    `bson:"consent" json:"consent"`
	Status        string     `bson:"status" json:"status"`
	Screened      bool       `bson:"screened" json:"screened"`
	Scores        *Scores    `bson:"scores,omitempty" json:"scores,omitempty"`
	Decisions     []Decision `bson:"decisions" json:"decisions"`
	VolunteerID   string     `bson:"volunteerId,omitempty" json:"volunteerId,omitempty"`
	Version       int        `bson:"version" json:"version"`
	CreatedAt     time.Time  `bson:"createdAt" json:"createdAt"`
	UpdatedAt     time.Time  `bson:"updatedAt" json:"updatedAt"`
}

// Partner is a university or social organisation with a service agreement
// (rule V3); the volunteers it brings are counted against Promised.
type Partner struct {
	ID           string    `bson:"_id" json:"id"`
	Region       string    `bson:"region" json:"region"`
	Areas        []string  `bson:"areas" json:"-"`
	Name         string    `bson:"name" json:"name"`
	Kind         string    `bson:"kind" json:"kind"`
	ContactName  string    `bson:"contactName" json:"contactName"`
	ContactPhone string    `bson:"contactPhone" json:"contactPhone"`
	From         string    `bson:"from" json:"from"`
	To           string    `bson:"to" json:"to"`
	Promised     int       `bson:"promised" json:"promised"`
	Note         string    `bson:"note,omitempty" json:"note,omitempty"`
	Version      int       `bson:"version" json:"version"`
	CreatedBy    string    `bson:"createdBy" json:"createdBy"`
	CreatedAt    time.Time `bson:"createdAt" json:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt" json:"updatedAt"`
	// Applied and Accepted count the applications naming the partner; not stored.
	Applied  int `bson:"-" json:"applied"`
	Accepted int `bson:"-" json:"accepted"`
}

// Batch is a training session (rule V5).
type Batch struct {
	ID        string    `bson:"_id" json:"id"`
	Region    string    `bson:"region" json:"region"`
	Areas     []string  `bson:"areas" json:"-"`
	Date      string    `bson:"date" json:"date"`
	Place     string    `bson:"place" json:"place"`
	Topic     string    `bson:"topic" json:"topic"`
	Trainer   string    `bson:"trainer" json:"trainer"`
	Capacity  int       `bson:"capacity" json:"capacity"`
	CreatedBy string    `bson:"createdBy" json:"createdBy"`
	CreatedAt time.Time `bson:"createdAt" json:"createdAt"`
	Version   int       `bson:"version" json:"version"`
	// Invited and Attended are counts; not stored.
	Invited  int `bson:"-" json:"invited"`
	Attended int `bson:"-" json:"attended"`
}

// Invite is one volunteer's seat in a batch; its id is batch|volunteer, so
// a volunteer is invited to a batch once.
type Invite struct {
	ID          string     `bson:"_id" json:"id"`
	BatchID     string     `bson:"batchId" json:"batchId"`
	VolunteerID string     `bson:"volunteerId" json:"volunteerId"`
	Name        string     `bson:"name" json:"name"`
	Areas       []string   `bson:"areas" json:"-"`
	InvitedBy   string     `bson:"invitedBy" json:"invitedBy"`
	InvitedAt   time.Time  `bson:"invitedAt" json:"invitedAt"`
	Attended    bool       `bson:"attended" json:"attended"`
	MarkedBy    string     `bson:"markedBy,omitempty" json:"markedBy,omitempty"`
	MarkedAt    *time.Time `bson:"markedAt,omitempty" json:"markedAt,omitempty"`
}

// HandbookAck records that a volunteer acknowledged a version of the
// handbook; its id is volunteer|version.
type HandbookAck struct {
	ID          string    `bson:"_id" json:"id"`
	VolunteerID string    `bson:"volunteerId" json:"volunteerId"`
	Version     string    `bson:"version" json:"version"`
	At          time.Time `bson:"at" json:"at"`
}

// AppFilter selects applications inside a subtree.
type AppFilter struct {
	Area   string // subtree root; always set
	CallID string
	Kind   string
	Status []string
	Phone  string
	// Order is a field of AppSorts (empty: oldest first, the queue's
	// order), for the list only.
	Order  page.Order
	Offset int
	Limit  int
}

// AppSorts are the columns the application list sorts on, on the server
// (each served by an index on the subtree, the column and _id).
var AppSorts = []string{"name", "kind", "hoursPerMonth", "status"}

// CallSorts, BatchSorts and PartnerSorts are the columns the call, training
// batch and partner lists sort on, on the server (each served by an index
// on the subtree, the column and _id).
var (
	CallSorts    = []string{"opens"}
	BatchSorts   = []string{"date", "capacity"}
	PartnerSorts = []string{"name"}
)

// Storer is what recruitment needs from the database: its own collections
// and a few register operations. Missing records are NotFound; unique ids
// already taken and stale versions are Conflict.
type Storer interface {
	InsertCall(ctx context.Context, c Call) error
	Call(ctx context.Context, id string) (Call, error)
	ReplaceCall(ctx context.Context, c *Call) error
	// Calls lists the calls of the regions in root's subtree and of root's
	// ancestors, newest first.
	Calls(ctx context.Context, root string, ord page.Order, offset, limit int) ([]Call, int, error)
	// OpenCallsOn lists up to limit calls reaching root that are open on
	// day, newest first.
	OpenCallsOn(ctx context.Context, root, day string, limit int) ([]Call, error)

	// ClaimKey inserts a claim under a unique key for holder; Conflict if
	// it is taken. ReleaseKey removes a claim of holder.
	ClaimKey(ctx context.Context, key, holder string) error
	ReleaseKey(ctx context.Context, key, holder string) error
	// ClaimSlot takes one of limit numbered places in scope for holder
	// (true), or finds them all taken (false); a holder already placed
	// keeps its place. ReleaseSlot gives it back; CountSlots counts.
	ClaimSlot(ctx context.Context, scope string, limit int, holder string) (bool, error)
	// ClaimSlots places every holder without a place, all or none (false
	// when the free places do not suffice).
	ClaimSlots(ctx context.Context, scope string, limit int, holders []string) (bool, error)
	ReleaseSlot(ctx context.Context, scope, holder string) error
	CountSlots(ctx context.Context, scope string) (int, error)

	InsertApplication(ctx context.Context, a Application) error
	Application(ctx context.Context, id string) (Application, error)
	ReplaceApplication(ctx context.Context, a *Application) error
	Applications(ctx context.Context, f AppFilter) ([]Application, int, error)
	AllApplications(ctx context.Context, f AppFilter, fn func(Application) error) error

	InsertPartner(ctx context.Context, p Partner) error
	Partner(ctx context.Context, id string) (Partner, error)
	ReplacePartner(ctx context.Context, p *Partner) error
	// Partners lists partners of root's subtree and of root's ancestors.
	Partners(ctx context.Context, root string) ([]Partner, error)
	// PartnerPage is one page of those partners, by name, and their number.
	PartnerPage(ctx context.Context, root string, pg page.Params) ([]Partner, int, error)
	// PartnerCounts counts, for each partner of ids, the applications in
	// root's subtree that name it and those accepted (one read).
	PartnerCounts(ctx context.Context, root string, ids []string) (applied, accepted map[string]int, err error)

	InsertBatch(ctx context.Context, b Batch) error
	Batch(ctx context.Context, id string) (Batch, error)
	Batches(ctx context.Context, root string, ord page.Order, offset, limit int) ([]Batch, int, error)
	InsertInvite(ctx context.Context, in Invite) error
	// InsertInvites stores invitations at once (those stored before stay).
	InsertInvites(ctx context.Context, ins []Invite) error
	// MarkInvited sets the training state of the volunteers of ids not yet
	// in training, at once.
	MarkInvited(ctx context.Context, ids []string, state string, at time.Time) error
	// VolunteersByID reads the volunteers of ids in one query.
	VolunteersByID(ctx context.Context, ids []string) ([]registry.Volunteer, error)
	ReplaceInvite(ctx context.Context, in Invite) error
	Invites(ctx context.Context, batchID string) ([]Invite, error)
	InvitesOf(ctx context.Context, volunteerID string) ([]Invite, error)
	InsertHandbookAck(ctx context.Context, a HandbookAck) error

	Region(ctx context.Context, code string) (registry.Region, error)
	ChildRegions(ctx context.Context, parent string) ([]registry.Region, error)
	SetRequireTraining(ctx context.Context, code string, require bool) error
	InsertVolunteers(ctx context.Context, vs []registry.Volunteer) error
	Volunteer(ctx context.Context, id string) (registry.Volunteer, error)
	VolunteerByPhone(ctx context.Context, phone string) (registry.Volunteer, error)
	ReplaceVolunteer(ctx context.Context, v *registry.Volunteer) error
	// PairedVolunteers returns which of ids appear in any elder's
	// Volunteers list (the pairing service keeps those lists in sync).
	PairedVolunteers(ctx context.Context, ids []string) (map[string]bool, error)
}

// Limits bound the public form. Every limit is held in Redis, so it holds
// across API processes.
type Limits struct {
	CodesPerIPHour   int // code requests from one IP address
	AppliesPerIPHour int // submissions from one IP address
	CodesPerCallHour int // codes sent for one call from all addresses (flood cap)
	StatusPerIPHour  int // status look-ups from one IP address
}

// DefaultLimits allow a campus behind one address to apply together while
// a script cannot send more than a few hundred texts an hour.
var DefaultLimits = Limits{CodesPerIPHour: 60, AppliesPerIPHour: 60, CodesPerCallHour: 600, StatusPerIPHour: 60}

// Service runs recruitment for principals and the public form for
// applicants.
type Service struct {
	Store     Storer
	Codes     *auth.Codes
	SMS       auth.SMS
	Audit     audit.Recorder
	PublicURL string
	Limits    Limits
	Now       func() time.Time
}

// NewService returns a Service with the default limits and the wall clock.
// publicURL is where the public form is served (call links, QR codes).
func NewService(st Storer, codes *auth.Codes, sms auth.SMS, rec audit.Recorder, publicURL string) *Service {
	return &Service{Store: st, Codes: codes, SMS: sms, Audit: rec, PublicURL: publicURL, Limits: DefaultLimits, Now: time.Now}
}
