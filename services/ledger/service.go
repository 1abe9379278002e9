package ledger

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/valid"
)

// Service is the service-hour ledger (rule V6).
type Service struct {
	Store Store
	Now   func() time.Time
	// Issuer names the organisation on certificates ("<county>" + Issuer).
	Issuer string
	Log    *slog.Logger
	// CompactAbove is how many pending deltas make Compact fold them.
	CompactAbove int
	// CertStore keeps counties' certificate settings (nil: defaults).
	CertStore SettingsStore
}

// New returns a ledger service on the wall clock.
func New(s Store, log *slog.Logger) *Service {
	return &Service{Store: s, Now: time.Now, Issuer: "金晖助老志愿服务项目", Log: log, CompactAbove: 500}
}

// Apply adds an entry to the totals, once: the totals are maintained as
// entries are appended (the province's figures never scan the ledger).
// Applying again (a resend, a retried check-out) adds nothing, and a crash
// at any point is repaired by applying again or by the next rebuild.
func (s *Service) Apply(ctx context.Context, e Entry) error {
	return s.Store.ApplyDelta(ctx, AppliedOf(e))
}

// AppliedOf is what e adds to the totals: its areas and people, month and sums.
func AppliedOf(e Entry) Applied {
	var people []string
	if e.Volunteer != "" {
		people = append(people, "v:"+e.Volunteer)
	}
	if e.Elder != "" {
		people = append(people, "e:"+e.Elder)
	}
	if e.Carer != "" {
		people = append(people, "c:"+e.Carer)
	}
	return Applied{Key: e.ID, Areas: e.Areas, People: people, Month: e.Month, Sums: e.Delta()}
}

// subsidyApplied is what an approved statement adds to the totals.
func subsidyApplied(sb Subsidy) Applied {
	return Applied{Key: "subsidy:" + sb.ID, Areas: sb.Areas, People: []string{"c:" + sb.Carer}, Month: sb.Month, Sums: Sums{Subsidy: sb.Amount}}
}

// Current returns the entry that stands for id now: id itself, or the
// last correction of it ("fix:…" after "rev:…"); NotFound when it does not
// exist or was corrected to nothing. A suspension reverses what counts now.
func (s *Service) Current(ctx context.Context, id string) (Entry, error) {
	e, err := s.Store.LedgerEntry(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	for range 64 {
		if _, err := s.Store.LedgerEntry(ctx, "rev:"+e.ID); apperr.Is(err, apperr.NotFound) {
			return e, nil
		} else if err != nil {
			return Entry{}, fmt.Errorf("ledger.Current: %w", err)
		}
		fix, err := s.Store.LedgerEntry(ctx, "fix:"+e.ID)
		if apperr.Is(err, apperr.NotFound) {
			return Entry{}, apperr.New(apperr.NotFound, "该记录已更正为零")
		}
		if err != nil {
			return Entry{}, fmt.Errorf("ledger.Current: %w", err)
		}
		e = fix
	}
	return e, nil
}

// Append writes an entry under its business key and applies it. A key
// already written is not an error: the entry counts once, and applying it
// again (a retry after a crash) adds nothing.
func (s *Service) Append(ctx context.Context, e Entry) error {
	if err := s.Store.RecordEntry(ctx, e); err != nil {
		if !apperr.Is(err, apperr.Conflict) {
			return fmt.Errorf("ledger.Append: %w", err)
		}
		stored, gerr := s.Store.LedgerEntry(ctx, e.ID)
		if gerr != nil {
			return fmt.Errorf("ledger.Append: %w", gerr)
		}
		e = stored
	}
	return s.Apply(ctx, e)
}

// ApplySubsidy adds an approved carer statement's amount to the totals.
func (s *Service) ApplySubsidy(ctx context.Context, sb Subsidy) error {
	return s.Store.ApplyDelta(ctx, subsidyApplied(sb))
}

// HonourInput adds honour hours (rule V6): a forgotten check-out, or
// service before the platform, with the reason and who approved it.
type HonourInput struct {
	Key       string `json:"key" validate:"required,min=8,max=64"`
	Volunteer string `json:"volunteer" validate:"required,max=64"`
	Date      string `json:"date" validate:"required,datetime=2006-01-02"`
	Minutes   int    `json:"minutes" validate:"required,min=1,max=1440"`
	Reason    string `json:"reason" validate:"required,max=200"`
	Approver  string `json:"approver" validate:"required,max=32"`
}

// AddHonour appends honour hours for a volunteer in p's subtree.
func (s *Service) AddHonour(ctx context.Context, p access.Principal, in HonourInput) (Entry, error) {
	if err := valid.Struct(in); err != nil {
		return Entry{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Entry{}, err
	}
	v, err := s.Store.Volunteer(ctx, in.Volunteer)
	if err != nil || !p.Sees(v.Areas) {
		return Entry{}, apperr.New(apperr.NotFound, "志愿者不存在")
	}
	d, err := clock.ParseDate(in.Date)
	if err != nil || d.After(s.Now()) {
		return Entry{}, apperr.Field("date", "日期无效或在未来")
	}
	e := Entry{ID: "honour:" + in.Key, Kind: KindHonour, Volunteer: v.ID, Areas: v.Areas, Village: v.Village,
		Date: in.Date, Month: in.Date[:7], Minutes: in.Minutes, Source: "organizer", SourceID: in.Key, Reason: strings.TrimSpace(in.Reason),
		By: p.ID, ByName: p.Name, Approver: strings.TrimSpace(in.Approver), At: s.Now()}
	if err := s.Append(ctx, e); err != nil {
		return Entry{}, err
	}
	return s.Store.LedgerEntry(ctx, e.ID)
}

// CorrectInput corrects an entry: its minutes become Minutes (0 takes it
// out), with the reason.
type CorrectInput struct {
	Minutes int    `json:"minutes" validate:"min=0,max=1440"`
	Reason  string `json:"reason" validate:"required,max=200"`
}

// Correction is the pair of entries a correction appends.
type Correction struct {
	Reversal Entry  `json:"reversal"`
	New      *Entry `json:"new,omitempty"`
}

// Correct reverses an entry and appends the corrected one (never an
// update in place). The reversal's key is "rev:<id>", so an entry is
// reversed once; a later correction corrects the new entry.
func (s *Service) Correct(ctx context.Context, p access.Principal, id string, in CorrectInput) (Correction, error) {
	if err := valid.Struct(in); err != nil {
		return Correction{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Correction{}, err
	}
	old, err := s.Store.LedgerEntry(ctx, id)
	if err != nil || !p.Sees(old.Areas) {
		return Correction{}, apperr.New(apperr.NotFound, "记录不存在")
	}
	if old.Reverses != "" || old.Minutes < 0 {
		return Correction{}, apperr.New(apperr.Invalid, "冲销记录不能再更正")
	}
	if prev, err := s.Store.LedgerEntry(ctx, "rev:"+id); err == nil {
		// Corrected already. The same correction sent again (after a crash
		// cut it short) completes it; another one corrects the new entry.
		fix, ferr := s.Store.LedgerEntry(ctx, "fix:"+id)
		if prev.To != in.Minutes || ferr == nil && fix.Minutes != in.Minutes || ferr != nil && !apperr.Is(ferr, apperr.NotFound) {
			return Correction{}, apperr.New(apperr.Conflict, "该记录已更正过, 请更正新的记录")
		}
		in.Reason = prev.Reason
	}
	now := s.Now()
	rev := old
	rev.ID, rev.Minutes, rev.Reverses, rev.Source, rev.SourceID, rev.To = "rev:"+id, -old.Minutes, id, "correction", id, in.Minutes
	rev.Reason, rev.By, rev.ByName, rev.Approver, rev.At = strings.TrimSpace(in.Reason), p.ID, p.Name, "", now
	if err := s.Append(ctx, rev); err != nil {
		return Correction{}, err
	}
	out := Correction{Reversal: rev}
	if in.Minutes > 0 {
		nw := old
		nw.ID, nw.Minutes, nw.Source, nw.SourceID = "fix:"+id, in.Minutes, "correction", id
		nw.Over4h = old.Over4h && in.Minutes > 240
		nw.Reason, nw.By, nw.ByName, nw.At = strings.TrimSpace(in.Reason), p.ID, p.Name, now
		if err := s.Append(ctx, nw); err != nil {
			return Correction{}, err
		}
		out.New = &nw
	}
	return out, nil
}

// Entries lists ledger entries inside p's subtree (organizers), or a
// volunteer's own.
func (s *Service) Entries(ctx context.Context, p access.Principal, f Filter) ([]Entry, int, error) {
	switch {
	case p.Kind == access.KindVolunteer:
		f.Volunteer, f.Area = p.ID, ""
	case p.IsOrganizer():
		if f.Area == "" {
			f.Area = p.Region
		}
		if !registry.Within(f.Area, p.Region) {
			return nil, 0, apperr.New(apperr.NotFound, "区划不存在")
		}
	default:
		return nil, 0, apperr.New(apperr.Forbidden, "无权查看")
	}
	return s.Store.LedgerEntries(ctx, f)
}

// MonthHours is one month of a person's hours.
type MonthHours struct {
	Month string `json:"month"`
	Sums
}

// Hours is a volunteer's hours by month, credit and honour apart.
type Hours struct {
	Volunteer string       `json:"volunteer"`
	Name      string       `json:"name"`
	Months    []MonthHours `json:"months"`
	Total     Sums         `json:"total"`
}

// VolunteerHours returns a volunteer's hours: the volunteer themselves, or
// an organizer whose subtree holds them.
func (s *Service) VolunteerHours(ctx context.Context, p access.Principal, id string) (Hours, error) {
	v, err := s.Store.Volunteer(ctx, id)
	if err != nil || !(p.Kind == access.KindVolunteer && p.ID == id || p.Sees(v.Areas)) {
		return Hours{}, apperr.New(apperr.NotFound, "志愿者不存在")
	}
	t, err := s.Store.PersonTotals(ctx, "v:"+id)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return Hours{}, err
	}
	h := Hours{Volunteer: id, Name: v.Name, Months: []MonthHours{}}
	for m, sm := range t.Months {
		h.Months = append(h.Months, MonthHours{Month: m, Sums: sm})
		h.Total = h.Total.Add(sm)
	}
	sort.Slice(h.Months, func(i, j int) bool { return h.Months[i].Month < h.Months[j].Month })
	return h, nil
}

// Certificate is a service certificate (志愿服务时长证明) with the fields of
// the national template (《志愿服务记录与证明出具办法(试行)》): what it
// shows is all the public verification page shows, the ID number masked.
type Certificate struct {
	Code          string    `bson:"_id" json:"code"`
	Volunteer     string    `bson:"volunteer" json:"-"`
	Areas         []string  `bson:"areas" json:"-"`
	Name          string    `bson:"name" json:"name"`
	IDType        string    `bson:"idType,omitempty" json:"idType"`
	IDNumber      string    `bson:"idNumber,omitempty" json:"idNumber"`
	VolunteerNo   string    `bson:"volunteerNo,omitempty" json:"volunteerNo"`
	From          string    `bson:"from" json:"from"`
	To            string    `bson:"to" json:"to"`
	CreditMinutes int       `bson:"creditMinutes" json:"creditMinutes"`
	HonourMinutes int       `bson:"honourMinutes" json:"honourMinutes"`
	CreditHours   float64   `bson:"creditHours" json:"creditHours"`
	HonourHours   float64   `bson:"honourHours" json:"honourHours"`
	TotalHours    float64   `bson:"totalHours,omitempty" json:"totalHours"`
	Visits        int       `bson:"visits" json:"visits"`
	Content       string    `bson:"content,omitempty" json:"content"`
	Issuer        string    `bson:"issuer" json:"issuer"`
	Principal     string    `bson:"principal,omitempty" json:"principal"`
	Handler       string    `bson:"handler,omitempty" json:"handler"`
	Contact       string    `bson:"contact,omitempty" json:"contact"`
	IssuedAt      time.Time `bson:"issuedAt" json:"issuedAt"`
	// NoticeUntil ends the notice period (公示期) the county set; the
	// certificate takes effect then. Nil: in effect on issue.
	NoticeUntil *time.Time `bson:"noticeUntil,omitempty" json:"noticeUntil,omitempty"`
	// Withdrawn is set when an organizer withdraws the certificate during
	// its notice period (an objection upheld), with the reason.
	WithdrawnAt   *time.Time `bson:"withdrawnAt,omitempty" json:"withdrawnAt,omitempty"`
	WithdrawCause string     `bson:"withdrawCause,omitempty" json:"withdrawCause,omitempty"`
	// Status is computed when read: noticed, effective or withdrawn.
	Status     string `bson:"-" json:"status"`
	StatusName string `bson:"-" json:"statusName"`
}

// CertificateInput chooses the months a certificate covers.
type CertificateInput struct {
	From string `json:"from" validate:"required,datetime=2006-01"`
	To   string `json:"to" validate:"required,datetime=2006-01"`
}

// Issue issues a volunteer's certificate for a period of months, from the
// totals, under a new random verification code.
func (s *Service) Issue(ctx context.Context, p access.Principal, volunteer string, in CertificateInput) (Certificate, error) {
	if err := valid.Struct(in); err != nil {
		return Certificate{}, err
	}
	if in.From > in.To {
		return Certificate{}, apperr.Field("to", "结束月份早于开始月份")
	}
	h, err := s.VolunteerHours(ctx, p, volunteer)
	if err != nil {
		return Certificate{}, err
	}
	v, err := s.Store.Volunteer(ctx, volunteer)
	if err != nil {
		return Certificate{}, err
	}
	county := registry.AncestorAt(v.Village, registry.County)
	issuer := s.Issuer
	if r, err := s.Store.Region(ctx, county); err == nil {
		issuer = r.Name + s.Issuer
	}
	c := Certificate{Code: newCode(), Volunteer: v.ID, Areas: v.Areas, Name: v.Name, IDType: "居民身份证", IDNumber: CertIDNumber(v.IDNumber), VolunteerNo: VolunteerNo(v.ID),
		From: in.From, To: in.To, Issuer: issuer, IssuedAt: s.Now()}
	if err := s.applySettings(ctx, county, &c); err != nil {
		return Certificate{}, err
	}
	for _, m := range h.Months {
		if m.Month >= in.From && m.Month <= in.To {
			c.CreditMinutes += m.Credit
			c.HonourMinutes += m.Honour
			c.Visits += m.Visits
		}
	}
	c.CreditHours, c.HonourHours, c.TotalHours = hours(c.CreditMinutes), hours(c.HonourMinutes), hours(c.CreditMinutes+c.HonourMinutes)
	c.Content = fmt.Sprintf("金晖助老志愿服务: 入户探访留守、独居老人 %d 次, 服务时长 %.1f 小时", c.Visits, c.CreditHours)
	if c.HonourMinutes != 0 {
		c.Content += fmt.Sprintf("; 组织认定时长 %.1f 小时", c.HonourHours)
	}
	if err := s.Store.InsertCertificate(ctx, c); err != nil {
		return Certificate{}, err
	}
	return s.withStatus(c), nil
}

// Verify returns the certificate with the code (public).
func (s *Service) Verify(ctx context.Context, code string) (Certificate, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) != 12 {
		return Certificate{}, apperr.New(apperr.NotFound, "证明编号不存在")
	}
	c, err := s.Store.Certificate(ctx, code)
	if err != nil {
		return Certificate{}, apperr.New(apperr.NotFound, "证明编号不存在")
	}
	return s.withStatus(c), nil
}

func hours(min int) float64 { return float64(min*10/60) / 10 }

const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func newCode() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// VisitDone applies a completed visit's entry ("visit:<id>", written by
// visits) to the totals; a retried check-out applies it at most once, and
// the nightly rebuild repairs totals a failure left behind.
func (s *Service) VisitDone(ctx context.Context, visitID string) error {
	e, err := s.Store.LedgerEntry(ctx, "visit:"+visitID)
	if err == nil {
		err = s.Apply(ctx, e)
	}
	if err != nil {
		return fmt.Errorf("ledger.VisitDone: %w", err)
	}
	return nil
}
