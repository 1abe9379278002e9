package supervise

import (
	"context"
	"time"

	"jinhui/services/access"
	"jinhui/services/auth"
	"jinhui/services/ledger"
	"jinhui/services/registry"
	"jinhui/services/visit"
	"jinhui/shared/page"
)

// Store is what supervision needs from the database. Insert* return a
// Conflict when the key exists; Replace* write at the version read.
type Store interface {
	Region(ctx context.Context, code string) (registry.Region, error)
	ChildRegions(ctx context.Context, parent string) ([]registry.Region, error)
	Elder(ctx context.Context, id string) (registry.Elder, error)
	Account(ctx context.Context, id string) (auth.Account, error)
	VolunteerPhone(ctx context.Context, id string) (string, error)

	// SupHouseholds returns the active elders of a subtree with their latest
	// completed visit of the month.
	SupHouseholds(ctx context.Context, region, month string) ([]Household, error)
	// SupDoneVisits returns the subtree's completed visits of the month.
	SupDoneVisits(ctx context.Context, region, month string) ([]visit.Visit, error)
	// CheckedVolunteers returns the volunteers any check task named.
	CheckedVolunteers(ctx context.Context) (map[string]bool, error)

	InsertCheckDraw(ctx context.Context, d Draw) error
	CheckDraw(ctx context.Context, id string) (Draw, error)
	CheckDraws(ctx context.Context, region, month string, ord page.Order, offset, limit int) ([]Draw, int, error)
	InsertCheckTasks(ctx context.Context, ts []Task) error
	CheckTask(ctx context.Context, id string) (Task, error)
	CheckTasks(ctx context.Context, f TaskFilter) ([]Task, int, error)
	ReplaceCheckTask(ctx context.Context, t *Task) error

	LedgerEntry(ctx context.Context, id string) (ledger.Entry, error)
	RecordEntry(ctx context.Context, e ledger.Entry) error
	InsertConfirmation(ctx context.Context, c Confirmation) error
	Confirmation(ctx context.Context, id string) (Confirmation, error)
	// AddSent lists a confirmation request under the phone it went to,
	// so that a reply finds it by the phone alone (a lookup by _id).
	AddSent(ctx context.Context, phone string, sent Sent) error
	SentTo(ctx context.Context, phone string) ([]Sent, error)
	// InsertAnswer records a reply; a visit answered already is a Conflict.
	InsertAnswer(ctx context.Context, a Answer) error
	Answer(ctx context.Context, id string) (Answer, error)
	ClaimReply(ctx context.Context, sid string) error
	UnclaimReply(ctx context.Context, sid string) error

	InsertSupProblem(ctx context.Context, p Problem) error
	SupProblem(ctx context.Context, id string) (Problem, error)
	SupProblems(ctx context.Context, f ProblemFilter) ([]Problem, int, error)
	ReplaceSupProblem(ctx context.Context, p *Problem) error

	InsertSupAlert(ctx context.Context, a Alert) error
	SupAlerts(ctx context.Context, area string, ord page.Order, offset, limit int) ([]Alert, int, error)

	// SupFigures returns the raw rows a monthly report counts.
	SupFigures(ctx context.Context, area, month string) (Figures, error)
	InsertSupReport(ctx context.Context, r Report) error
	SupReport(ctx context.Context, id string) (Report, error)
	SupReports(ctx context.Context, area, month string, ord page.Order, offset, limit int) ([]Report, int, error)
}

// SMS sends a text under a business key (same key: sent once).
type SMS interface {
	Send(ctx context.Context, key, to, kind, body string) error
}

// Ledger is the service-hour ledger as supervision writes to it: holds
// and restores are appended through it so that the totals follow.
type Ledger interface {
	Append(ctx context.Context, e ledger.Entry) error
	Current(ctx context.Context, id string) (ledger.Entry, error)
}

// Service runs supervision.
type Service struct {
	Store  Store
	SMS    SMS
	Ledger Ledger
	Now    func() time.Time
	// OnConfirmed, when set, is called with a visit the elder's side
	// confirmed by SMS (visits release hours held for review).
	OnConfirmed func(ctx context.Context, visitID string) error
}

// New returns the service. The wiring hooks AfterVisit to visits.
func New(store Store, sms SMS, led Ledger, now func() time.Time) *Service {
	return &Service{Store: store, SMS: sms, Ledger: led, Now: now}
}

// scope returns code (default: the caller's region) if it lies in p's subtree.
func scope(p access.Principal, code string) (string, error) {
	if err := p.RequireOrganizer(); err != nil {
		return "", err
	}
	return p.Subtree(code, "area")
}
