package supervise

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/clock"
	"jinhui/shared/page"
	"jinhui/shared/pii"
	"jinhui/shared/valid"
)

// Problem statuses (rule Q3): found, rectified (waiting for the re-check),
// closed after a re-check passed.
const (
	ProblemOpen      = "open"
	ProblemRectified = "rectified"
	ProblemClosed    = "closed"
)

// Problem sources.
const (
	SourceManual  = "manual"
	SourceConcern = "concern" // a volunteer's concern at check-out
	SourceReply   = "reply"   // the elder's side replied 2 by SMS
	SourceFamily  = "family"  // a family member far away replied with a concern
)

// Problem kinds.
const (
	KindUnconfirmed = "visit_unconfirmed"
	KindService     = "service"
	KindElderNeed   = "elder_need"
	KindSafety      = "safety"
	KindRecords     = "records"
	KindOther       = "other"
)

// KindName is the Chinese label of each kind.
var KindName = map[string]string{KindUnconfirmed: "探访不实", KindService: "服务质量", KindElderNeed: "老人困难需求",
	KindSafety: "安全隐患", KindRecords: "台账不实", KindOther: "其他"}

// DefaultDeadlineDays is the time given to rectify a problem found automatically.
const DefaultDeadlineDays = 15

// Step is a rectification or a re-check.
type Step struct {
	Kind   string    `bson:"kind" json:"kind"` // rectify, recheck_pass, recheck_fail
	Note   string    `bson:"note" json:"note"`
	By     string    `bson:"by" json:"by"`
	ByName string    `bson:"byName" json:"byName"`
	At     time.Time `bson:"at" json:"at"`
}

// Problem is one line of the problem ledger (问题台账, rule Q3).
type Problem struct {
	ID          string    `bson:"_id" json:"id"`
	Area        string    `bson:"area" json:"area"`
	Areas       []string  `bson:"areas" json:"-"`
	Kind        string    `bson:"kind" json:"kind"`
	Description string    `bson:"description" json:"description"`
	Source      string    `bson:"source" json:"source"`
	SourceID    string    `bson:"sourceId,omitempty" json:"sourceId,omitempty"`
	Owner       string    `bson:"owner" json:"owner"`
	OwnerPhone  string    `bson:"ownerPhone,omitempty" json:"ownerPhone,omitempty"`
	Deadline    string    `bson:"deadline" json:"deadline"`
	Status      string    `bson:"status" json:"status"`
	Steps       []Step    `bson:"steps" json:"steps"`
	Overdue     bool      `bson:"-" json:"overdue"`
	By          string    `bson:"by" json:"by"`
	ByName      string    `bson:"byName" json:"byName"`
	Version     int       `bson:"version" json:"version"`
	CreatedAt   time.Time `bson:"createdAt" json:"createdAt"`
	ClosedAt    time.Time `bson:"closedAt,omitempty" json:"closedAt,omitempty"`
}

// IsOverdue reports whether a problem is still open after its deadline.
func (p Problem) IsOverdue(today string) bool { return p.Status != ProblemClosed && p.Deadline < today }

// ProblemFilter selects problems.
type ProblemFilter struct {
	Area    string
	Status  string // "" all, open, rectified, closed, unclosed
	Overdue string // a day: only those unclosed with a deadline before it
	// Order is a field of ProblemSorts (empty: earliest deadline first).
	Order  page.Order
	Offset int
	Limit  int
}

// ProblemSorts are the columns the problem ledger sorts on, on the server
// (each served by an index on the subtree, the column and _id).
var ProblemSorts = []string{"deadline"}

// ProblemInput files a problem by hand.
type ProblemInput struct {
	Area        string `json:"area" validate:"required,max=12"`
	Kind        string `json:"kind" validate:"required,oneof=visit_unconfirmed service elder_need safety records other"`
	Description string `json:"description" validate:"required,max=1000"`
	Owner       string `json:"owner" validate:"required,max=64"`
	OwnerPhone  string `json:"ownerPhone,omitempty" validate:"max=32"`
	Deadline    string `json:"deadline" validate:"required,datetime=2006-01-02"`
}

// RectifyInput records what was done about a problem.
type RectifyInput struct {
	Note    string `json:"note" validate:"required,max=1000"`
	Version int    `json:"version" validate:"required"`
}

// RecheckInput is the re-check (回访回查) after a rectification.
type RecheckInput struct {
	Passed   bool   `json:"passed"`
	Note     string `json:"note" validate:"required,max=1000"`
	Deadline string `json:"deadline,omitempty" validate:"omitempty,datetime=2006-01-02"`
	Version  int    `json:"version" validate:"required"`
}

func (s *Service) today() string { return clock.Today(s.Now()) }

// autoProblem files a problem found by a check, a concern or a reply,
// once per key, owned by the village until an organizer reassigns it.
func (s *Service) autoProblem(ctx context.Context, id, source, sourceID, kind, village string, areas []string, desc string) error {
	now := s.Now()
	p := Problem{ID: id, Area: village, Areas: areas, Kind: kind, Description: desc, Source: source, SourceID: sourceID,
		Owner: "村级组织者", Deadline: now.In(clock.Shanghai).AddDate(0, 0, DefaultDeadlineDays).Format(time.DateOnly),
		Status: ProblemOpen, Steps: []Step{}, By: "system", ByName: "系统", Version: 1, CreatedAt: now}
	if err := s.Store.InsertSupProblem(ctx, p); err != nil && !apperr.Is(err, apperr.Conflict) {
		return fmt.Errorf("supervise.autoProblem: %w", err)
	}
	return nil
}

// FileFamilyConcern files a family member's SMS concern in the problem
// ledger of the elder's village (rule Q3); the reply's SID keys it, so a
// retried webhook files it once. It returns the problem's ID.
func (s *Service) FileFamilyConcern(ctx context.Context, sid, village string, areas []string, desc string) (string, error) {
	id := "family:" + sid
	return id, s.autoProblem(ctx, id, SourceFamily, sid, KindElderNeed, village, areas, desc)
}

// NewProblem files a problem in p's subtree.
func (s *Service) NewProblem(ctx context.Context, p access.Principal, in ProblemInput) (Problem, error) {
	if err := valid.Struct(in); err != nil {
		return Problem{}, err
	}
	c, err := scope(p, in.Area)
	if err != nil {
		return Problem{}, err
	}
	if in.Deadline < s.today() {
		return Problem{}, apperr.Field("deadline", "整改期限不能早于今天")
	}
	phone := ""
	if strings.TrimSpace(in.OwnerPhone) != "" {
		if phone, err = pii.NormalizePhone(in.OwnerPhone); err != nil {
			return Problem{}, apperr.Field("ownerPhone", "手机号格式不正确")
		}
	}
	now := s.Now()
	pr := Problem{ID: "m" + now.Format("20060102150405.000000000"), Area: c, Areas: area.AreasOf(c), Kind: in.Kind,
		Description: strings.TrimSpace(in.Description), Source: SourceManual, Owner: strings.TrimSpace(in.Owner), OwnerPhone: phone,
		Deadline: in.Deadline, Status: ProblemOpen, Steps: []Step{}, By: p.ID, ByName: p.Name, Version: 1, CreatedAt: now}
	pr.ID = strings.ReplaceAll(pr.ID, ".", "")
	if err := s.Store.InsertSupProblem(ctx, pr); err != nil {
		return Problem{}, fmt.Errorf("supervise.NewProblem: %w", err)
	}
	return s.shown(pr), nil
}

func (s *Service) shown(p Problem) Problem {
	p.Overdue = p.IsOverdue(s.today())
	p.OwnerPhone = pii.MaskPhone(p.OwnerPhone)
	return p
}

// GetProblem returns a problem in p's subtree (owner's phone masked).
func (s *Service) GetProblem(ctx context.Context, p access.Principal, id string) (Problem, error) {
	pr, err := s.problem(ctx, p, id)
	return s.shown(pr), err
}

func (s *Service) problem(ctx context.Context, p access.Principal, id string) (Problem, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Problem{}, err
	}
	pr, err := s.Store.SupProblem(ctx, id)
	if err != nil {
		return Problem{}, err
	}
	return pr, p.RequireArea(pr.Areas, "问题")
}

// ListProblems lists problems of a subtree; overdue only lists those open
// after their deadline (the dashboard's list).
func (s *Service) ListProblems(ctx context.Context, p access.Principal, areaCode, status string, overdue bool, ord page.Order, offset, limit int) ([]Problem, int, error) {
	c, err := scope(p, areaCode)
	if err != nil {
		return nil, 0, err
	}
	f := ProblemFilter{Area: c, Status: status, Order: ord, Offset: offset, Limit: limit}
	if overdue {
		f.Overdue = s.today()
	}
	ps, n, err := s.Store.SupProblems(ctx, f)
	for i := range ps {
		ps[i] = s.shown(ps[i])
	}
	return ps, n, err
}

// Rectify records a rectification; the problem then waits for a re-check.
func (s *Service) Rectify(ctx context.Context, p access.Principal, id string, in RectifyInput) (Problem, error) {
	if err := valid.Struct(in); err != nil {
		return Problem{}, err
	}
	pr, err := s.problem(ctx, p, id)
	if err != nil {
		return Problem{}, err
	}
	if pr.Version != in.Version {
		return Problem{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	if pr.Status != ProblemOpen {
		return Problem{}, apperr.New(apperr.Conflict, "该问题已整改待回查或已销号")
	}
	pr.Steps = append(pr.Steps, Step{Kind: "rectify", Note: strings.TrimSpace(in.Note), By: p.ID, ByName: p.Name, At: s.Now()})
	pr.Status = ProblemRectified
	if err := s.Store.ReplaceSupProblem(ctx, &pr); err != nil {
		return Problem{}, fmt.Errorf("supervise.Rectify: %w", err)
	}
	return s.shown(pr), nil
}

// Recheck records the re-check of a rectified problem (回访回查): passed
// closes it; failed reopens it with a new deadline. The re-check is done
// by someone other than whoever recorded the rectification.
func (s *Service) Recheck(ctx context.Context, p access.Principal, id string, in RecheckInput) (Problem, error) {
	if err := valid.Struct(in); err != nil {
		return Problem{}, err
	}
	pr, err := s.problem(ctx, p, id)
	if err != nil {
		return Problem{}, err
	}
	if pr.Version != in.Version {
		return Problem{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	if pr.Status != ProblemRectified {
		return Problem{}, apperr.New(apperr.Conflict, "该问题尚未整改, 不能回查")
	}
	if last := pr.Steps[len(pr.Steps)-1]; last.By == p.ID {
		return Problem{}, apperr.New(apperr.Forbidden, "回查须由整改登记人以外的人员进行")
	}
	now := s.Now()
	step := Step{Kind: "recheck_pass", Note: strings.TrimSpace(in.Note), By: p.ID, ByName: p.Name, At: now}
	if in.Passed {
		pr.Status, pr.ClosedAt = ProblemClosed, now
	} else {
		if in.Deadline == "" || in.Deadline < s.today() {
			return Problem{}, apperr.Field("deadline", "回查未通过, 请给出不早于今天的新整改期限")
		}
		step.Kind, pr.Status, pr.Deadline = "recheck_fail", ProblemOpen, in.Deadline
	}
	pr.Steps = append(pr.Steps, step)
	if err := s.Store.ReplaceSupProblem(ctx, &pr); err != nil {
		return Problem{}, fmt.Errorf("supervise.Recheck: %w", err)
	}
	return s.shown(pr), nil
}

// FlagOverdue alerts every problem open past its deadline, once per
// deadline: an alert for the dashboard, and an SMS to the owner when the
// problem has an owner's phone. It returns how many it flagged.
func (s *Service) FlagOverdue(ctx context.Context) (int, error) {
	today := s.today()
	n := 0
	for off := 0; ; off += 500 {
		ps, total, err := s.Store.SupProblems(ctx, ProblemFilter{Overdue: today, Offset: off, Limit: 500})
		if err != nil {
			return n, fmt.Errorf("supervise.FlagOverdue: %w", err)
		}
		for _, p := range ps {
			key := "overdue:" + p.ID + ":" + p.Deadline
			msg := fmt.Sprintf("问题逾期未整改(期限 %s, 责任人 %s): %s", p.Deadline, p.Owner, p.Description)
			err := s.Store.InsertSupAlert(ctx, Alert{ID: key, Kind: "overdue", Areas: p.Areas, Village: p.Area, Message: msg, At: s.Now()})
			if apperr.Is(err, apperr.Conflict) {
				continue
			}
			if err != nil {
				return n, fmt.Errorf("supervise.FlagOverdue: %w", err)
			}
			if p.OwnerPhone != "" && s.SMS != nil {
				if err := s.SMS.Send(ctx, key, p.OwnerPhone, "supervise", "【金晖助老】"+msg+"。请尽快整改并登记。"); err != nil {
					return n, fmt.Errorf("supervise.FlagOverdue: %w", err)
				}
			}
			n++
		}
		if off+500 >= total {
			return n, nil
		}
	}
}

// AlertSorts are the columns the alert list sorts on, on the server.
var AlertSorts = []string{"at"}

// Alerts lists the supervision alerts of p's subtree.
func (s *Service) Alerts(ctx context.Context, p access.Principal, ord page.Order, offset, limit int) ([]Alert, int, error) {
	if err := p.RequireOrganizer(); err != nil {
		return nil, 0, err
	}
	return s.Store.SupAlerts(ctx, p.Region, ord, offset, limit)
}
