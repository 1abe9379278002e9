package carer

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"jinhui/services/access"
	"jinhui/services/ledger"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/page"
	"jinhui/shared/pii"
	"jinhui/shared/valid"
	"jinhui/shared/xlsx"
)

// Service carries out carer operations for a principal.
type Service struct {
	Store  Store
	Ledger Ledger
	Now    func() time.Time
}

// New returns a carer service on the wall clock.
func New(s Store, l Ledger) *Service { return &Service{Store: s, Ledger: l, Now: time.Now} }

var errNotFound = apperr.New(apperr.NotFound, "记录不存在")

// RosterInput pairs a carer with a person of their village (rule C1):
// an elder of the register, or another villager named here.
type RosterInput struct {
	Carer      string `json:"carer" validate:"required,max=64"`
	Elder      string `json:"elder,omitempty" validate:"max=64"`
	PersonName string `json:"personName,omitempty" validate:"max=32"`
	Condition  string `json:"condition,omitempty" validate:"max=100"`
	StartDate  string `json:"startDate" validate:"required,datetime=2006-01-02"`
	Agreement  string `json:"agreement" validate:"required,max=200"`
}

// AddToRoster records a carer–person pair in p's subtree.
func (s *Service) AddToRoster(ctx context.Context, p access.Principal, in RosterInput) (Assignment, error) {
	if err := valid.Struct(in); err != nil {
		return Assignment{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Assignment{}, err
	}
	c, err := s.Store.Carer(ctx, in.Carer)
	if err != nil || !p.Sees(c.Areas) {
		return Assignment{}, apperr.New(apperr.NotFound, "护理员不存在")
	}
	a := Assignment{ID: uuid.Must(uuid.NewV7()).String(), Carer: c.ID, CarerName: c.Name, Village: c.Village, Areas: c.Areas,
		StartDate: in.StartDate, Agreement: strings.TrimSpace(in.Agreement), Condition: strings.TrimSpace(in.Condition),
		Status: Active, By: p.ID, Version: 1, CreatedAt: s.Now()}
	switch {
	case in.Elder != "":
		e, err := s.Store.Elder(ctx, in.Elder)
		if err != nil || !p.Sees(e.Areas) {
			return Assignment{}, apperr.Field("elder", "老人不存在")
		}
		if e.Village != c.Village {
			return Assignment{}, apperr.Field("elder", "只能照护本村的人(C1)")
		}
		if homeCareEnds[e.Status] {
			return Assignment{}, apperr.Field("elder", "老人已"+registry.StatusName[e.Status]+", 不能安排居家照护(C4)")
		}
		a.Person, a.Elder, a.PersonName = "e:"+e.ID, e.ID, e.Name
	case strings.TrimSpace(in.PersonName) != "":
		a.Person, a.PersonName = "p:"+a.ID, strings.TrimSpace(in.PersonName)
	default:
		return Assignment{}, apperr.Field("personName", "请选择老人或填写被照护人姓名")
	}
	if err := s.Store.InsertAssignment(ctx, a); err != nil {
		return Assignment{}, fmt.Errorf("carer.AddToRoster: %w", err)
	}
	return a, nil
}

// LeaveInput takes a person off the roster (rule C4: moved to
// centralised care, or another reason).
type LeaveInput struct {
	Date        string `json:"date" validate:"required,datetime=2006-01-02"`
	Reason      string `json:"reason" validate:"required,max=200"`
	Centralised bool   `json:"centralised"`
	Version     int    `json:"version" validate:"required"`
}

// Leave ends an assignment with its reason.
func (s *Service) Leave(ctx context.Context, p access.Principal, id string, in LeaveInput) (Assignment, error) {
	if err := valid.Struct(in); err != nil {
		return Assignment{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Assignment{}, err
	}
	a, err := s.Store.Assignment(ctx, id)
	if err != nil || !p.Sees(a.Areas) {
		return Assignment{}, errNotFound
	}
	if a.Status != Active {
		return Assignment{}, apperr.New(apperr.Conflict, "已离开照护名册")
	}
	if a.Version != in.Version {
		return Assignment{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	a.Status, a.LeftDate, a.LeftReason, a.Centralised = Left, in.Date, strings.TrimSpace(in.Reason), in.Centralised
	if err := s.Store.ReplaceAssignment(ctx, &a); err != nil {
		return Assignment{}, err
	}
	return a, nil
}

// homeCareEnds are the elder statuses after which nobody gives them home
// help (C4: centralised care; E3: deceased, left, moved away).
var homeCareEnds = map[string]bool{registry.StatusCentralised: true, registry.StatusDeceased: true, registry.StatusLeft: true, registry.StatusMoved: true}

// ElderStatusChanged is the registry's hook on an elder's status (C4): an
// elder moved to centralised care, or out of the programme, leaves every
// carer's roster on the day of the change, so that no more home help is
// logged or paid for them. The roster entry keeps why.
func (s *Service) ElderStatusChanged(ctx context.Context, e registry.Elder) error {
	if !homeCareEnds[e.Status] {
		return nil
	}
	// a village's active roster: a few lines, one page
	as, _, err := s.Store.Assignments(ctx, e.Village, "", Active, page.Params{Limit: page.Max})
	if err != nil {
		return fmt.Errorf("carer.ElderStatusChanged: %w", err)
	}
	date, reason := clock.Today(s.Now()), "老人"+registry.StatusName[e.Status]
	if n := len(e.History); n > 0 {
		if d := e.History[n-1].Date; d != "" {
			date = d
		}
		if r := strings.TrimSpace(e.History[n-1].Reason); r != "" {
			reason += ": " + r
		}
	}
	for _, a := range as {
		if a.Elder != e.ID || a.Status != Active {
			continue
		}
		a.Status, a.LeftDate, a.LeftReason, a.Centralised = Left, date, reason, e.Status == registry.StatusCentralised
		if err := s.Store.ReplaceAssignment(ctx, &a); err != nil && !apperr.Is(err, apperr.Conflict) {
			return fmt.Errorf("carer.ElderStatusChanged: %w", err)
		}
	}
	return nil
}

// RosterSorts and LogSorts are the columns the roster and the log list
// sort on, on the server (pg.Order; each served by an index on the
// subtree or the carer, the column and _id).
var (
	RosterSorts = []string{"startDate"}
	LogSorts    = []string{"date"}
)

// Roster lists the roster of an area (organizers) or the carer's own.
func (s *Service) Roster(ctx context.Context, p access.Principal, area string, pg page.Params) ([]Assignment, int, error) {
	if p.Kind == access.KindCarer { // the people they care for now
		return s.Store.Assignments(ctx, "", p.ID, Active, pg)
	}
	area, err := s.area(p, area)
	if err != nil {
		return nil, 0, err
	}
	return s.Store.Assignments(ctx, area, "", "", pg)
}

func (s *Service) area(p access.Principal, area string) (string, error) {
	if err := p.RequireOrganizer(); err != nil {
		return "", err
	}
	if area == "" {
		area = p.Region
	}
	if !registry.Within(area, p.Region) {
		return "", apperr.New(apperr.NotFound, "区划不存在")
	}
	return area, nil
}

// LogInput is a carer's log from a phone (rule C2); Key is chosen by the
// phone, so a resend after going offline logs once.
type LogInput struct {
	Key        string   `json:"key" validate:"required,min=8,max=64"`
	Assignment string   `json:"assignment" validate:"required,max=64"`
	Date       string   `json:"date" validate:"required,datetime=2006-01-02"`
	Kinds      []string `json:"kinds" validate:"required,min=1,max=5,dive,oneof=助餐 助洁 助行 助医 其他"`
	Minutes    int      `json:"minutes" validate:"required,min=5,max=720"`
	Note       string   `json:"note,omitempty" validate:"max=200"`
}

// AddLog records a carer's help and its ledger entry.
func (s *Service) AddLog(ctx context.Context, p access.Principal, in LogInput) (Log, error) {
	if err := valid.Struct(in); err != nil {
		return Log{}, err
	}
	if err := access.Carer.Check(p); err != nil {
		return Log{}, err
	}
	id := p.ID + ":" + in.Key
	if l, err := s.Store.CarerLog(ctx, id); err == nil {
		return l, s.appendEntry(ctx, l) // a resend: logged already
	}
	a, err := s.Store.Assignment(ctx, in.Assignment)
	if err != nil || a.Carer != p.ID {
		return Log{}, apperr.Field("assignment", "照护对象不存在")
	}
	if a.Status != Active {
		return Log{}, apperr.Field("assignment", "该对象已离开照护名册")
	}
	if a.Elder != "" { // C4: home help ends when the elder leaves home care
		if e, err := s.Store.Elder(ctx, a.Elder); err == nil && homeCareEnds[e.Status] {
			return Log{}, apperr.Field("assignment", "老人已"+registry.StatusName[e.Status]+", 不再记录居家照护")
		}
	}
	d, err := clock.ParseDate(in.Date)
	if err != nil {
		return Log{}, apperr.Field("date", "日期无效")
	}
	todayS := clock.Today(s.Now())
	today, _ := clock.ParseDate(todayS)
	back := int(math.Round(today.Sub(d).Hours() / 24))
	if in.Date > todayS {
		return Log{}, apperr.Field("date", "不能记录未来的日期")
	}
	if back > MaxBackdays {
		return Log{}, apperr.Field("date", fmt.Sprintf("最多补记 %d 天内的服务", MaxBackdays))
	}
	if in.Date < a.StartDate {
		return Log{}, apperr.Field("date", "早于照护开始日期")
	}
	month := in.Date[:7]
	if st, err := s.Store.Statement(ctx, p.ID+":"+month); err == nil && st.Status == Approved {
		return Log{}, apperr.Field("date", "该月补贴已审批, 不能再补记")
	}
	kinds := slices.Compact(slices.Sorted(slices.Values(in.Kinds)))
	l := Log{ID: id, Carer: p.ID, Assignment: a.ID, Person: a.Person, PersonName: a.PersonName, Village: a.Village, Areas: a.Areas,
		County: registry.AncestorAt(a.Village, registry.County), Date: in.Date, Month: month, Kinds: kinds, Minutes: in.Minutes,
		Note: strings.TrimSpace(in.Note), Backdated: back, At: s.Now()}
	if err := s.Store.InsertCarerLog(ctx, l); err != nil {
		if !apperr.Is(err, apperr.Conflict) {
			return Log{}, err
		}
		if l, err = s.Store.CarerLog(ctx, id); err != nil {
			return Log{}, err
		}
	}
	return l, s.appendEntry(ctx, l)
}

func (s *Service) appendEntry(ctx context.Context, l Log) error {
	if s.Ledger == nil {
		return nil
	}
	e := ledger.Entry{ID: "carer:" + l.ID, Kind: ledger.KindCarer, Carer: l.Carer, Areas: l.Areas, Village: l.Village, Date: l.Date,
		Month: l.Month, Minutes: l.Minutes, Items: l.Kinds, Source: "carer", SourceID: l.ID, By: l.Carer, At: l.At}
	if strings.HasPrefix(l.Person, "e:") {
		e.Elder = strings.TrimPrefix(l.Person, "e:")
	}
	return s.Ledger.Append(ctx, e)
}

// Logs lists logs: a carer's own, or an area's for organizers.
func (s *Service) Logs(ctx context.Context, p access.Principal, area, month string, pg page.Params) ([]Log, int, error) {
	if p.Kind == access.KindCarer {
		return s.Store.CarerLogPage(ctx, "", p.ID, month, pg)
	}
	area, err := s.area(p, area)
	if err != nil {
		return nil, 0, err
	}
	return s.Store.CarerLogPage(ctx, area, "", month, pg)
}

// Rule returns a county's subsidy rule (the default if none is set).
func (s *Service) Rule(ctx context.Context, p access.Principal, county string) (Rule, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Rule{}, err
	}
	if registry.LevelOf(county) != registry.County || !registry.Within(county, p.Region) && !registry.Within(p.Region, county) {
		return Rule{}, apperr.New(apperr.NotFound, "县不存在")
	}
	r, err := s.Store.CarerRule(ctx, county)
	if apperr.Is(err, apperr.NotFound) {
		return DefaultRule(county), nil
	}
	return r, err
}

// PutRule sets a county's rule (county level or above).
func (s *Service) PutRule(ctx context.Context, p access.Principal, county string, in Rule) (Rule, error) {
	if err := valid.Struct(in); err != nil {
		return Rule{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Rule{}, err
	}
	if registry.LevelOf(county) != registry.County || !registry.Within(county, p.Region) {
		return Rule{}, apperr.New(apperr.NotFound, "县不存在")
	}
	old, err := s.Store.CarerRule(ctx, county)
	if err != nil && !apperr.Is(err, apperr.NotFound) {
		return Rule{}, err
	}
	in.County, in.Version, in.UpdatedBy, in.UpdatedAt = county, old.Version, p.Name, s.Now()
	if err := s.Store.PutCarerRule(ctx, &in); err != nil {
		return Rule{}, err
	}
	return in, nil
}

// ComputeInput names the county and month to compute statements for.
type ComputeInput struct {
	County string `json:"county" validate:"required,len=12,numeric"`
	Month  string `json:"month" validate:"required,datetime=2006-01"`
}

// Compute computes (or recomputes) the month's statements of a county's
// carers from their logs. Approved statements are frozen and kept.
func (s *Service) Compute(ctx context.Context, p access.Principal, in ComputeInput) ([]Statement, error) {
	if err := valid.Struct(in); err != nil {
		return nil, err
	}
	if err := p.RequireWriter(); err != nil {
		return nil, err
	}
	if registry.LevelOf(in.County) != registry.County || !registry.Within(in.County, p.Region) {
		return nil, apperr.New(apperr.NotFound, "县不存在")
	}
	rule, err := s.Rule(ctx, p, in.County)
	if err != nil {
		return nil, err
	}
	carers, err := s.Store.CarersIn(ctx, in.County)
	if err != nil {
		return nil, err
	}
	logs, err := s.Store.CarerLogs(ctx, in.County, "", in.Month)
	if err != nil {
		return nil, err
	}
	existing, err := s.Store.Statements(ctx, in.County, "", in.Month)
	if err != nil {
		return nil, err
	}
	have := map[string]Statement{}
	for _, st := range existing {
		have[st.ID] = st
	}
	type agg struct {
		days          map[string]bool
		logs, minutes int
	}
	by := map[string]*agg{}
	for _, l := range logs {
		a := by[l.Carer]
		if a == nil {
			a = &agg{days: map[string]bool{}}
			by[l.Carer] = a
		}
		a.days[l.Date] = true
		a.logs++
		a.minutes += l.Minutes
	}
	out := []Statement{}
	for _, c := range carers {
		a := by[c.ID]
		if a == nil && c.Status != registry.VolActive {
			continue
		}
		st := Statement{ID: c.ID + ":" + in.Month, Carer: c.ID, CarerName: c.Name, IDNumber: pii.MaskID(c.IDNumber), Village: c.Village,
			Areas: c.Areas, County: in.County, Month: in.Month, Rule: rule, Status: Draft, UpdatedAt: s.Now()}
		if a != nil {
			st.Days, st.Logs, st.Minutes = len(a.days), a.logs, a.minutes
		}
		st.Computed = rule.Pay(st.Days)
		st.Amount = st.Computed
		old, ok := have[st.ID]
		if ok && old.Status == Approved {
			out = append(out, old)
			continue
		}
		if ok && old.Days == st.Days && old.Logs == st.Logs && old.Minutes == st.Minutes && old.Computed == st.Computed {
			out = append(out, old)
			continue
		}
		st.Version = old.Version + 1
		if err := s.Store.PutStatement(ctx, &st, old.Version); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Village+out[i].CarerName < out[j].Village+out[j].CarerName })
	return out, nil
}

// Statements lists statements: a carer's own, or an area's for organizers.
func (s *Service) Statements(ctx context.Context, p access.Principal, area, month string, pg page.Params) ([]Statement, int, error) {
	if p.Kind == access.KindCarer {
		return s.Store.StatementPage(ctx, "", p.ID, month, pg)
	}
	area, err := s.area(p, area)
	if err != nil {
		return nil, 0, err
	}
	return s.Store.StatementPage(ctx, area, "", month, pg)
}

// ApproveInput approves a statement; an Amount other than the computed
// one is an adjustment and needs a reason.
type ApproveInput struct {
	Amount  *int   `json:"amount,omitempty" validate:"omitempty,min=0,max=100000"`
	Reason  string `json:"reason,omitempty" validate:"max=200"`
	Version int    `json:"version" validate:"required"`
}

// Approve approves (and freezes) a statement and counts its subsidy.
func (s *Service) Approve(ctx context.Context, p access.Principal, id string, in ApproveInput) (Statement, error) {
	if err := valid.Struct(in); err != nil {
		return Statement{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Statement{}, err
	}
	st, err := s.Store.Statement(ctx, id)
	if err != nil || !p.Sees(st.Areas) {
		return Statement{}, errNotFound
	}
	if st.Status == Approved {
		return Statement{}, apperr.New(apperr.Conflict, "已审批的补贴不可修改")
	}
	if st.Version != in.Version {
		return Statement{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	if in.Amount != nil && *in.Amount != st.Computed {
		if strings.TrimSpace(in.Reason) == "" {
			return Statement{}, apperr.Field("reason", "调整金额须说明原因")
		}
		st.Amount = *in.Amount
	}
	now := s.Now()
	st.Reason, st.Status, st.ApprovedBy, st.ApprovedByName, st.ApprovedAt, st.UpdatedAt = strings.TrimSpace(in.Reason), Approved, p.ID, p.Name, &now, now
	st.Version++
	if err := s.Store.PutStatement(ctx, &st, st.Version-1); err != nil {
		return Statement{}, err
	}
	if s.Ledger != nil {
		if err := s.Ledger.ApplySubsidy(ctx, ledger.Subsidy{ID: st.ID, Carer: st.Carer, Areas: st.Areas, Month: st.Month, Amount: st.Amount}); err != nil {
			return st, err
		}
	}
	return st, nil
}

// Payment is one line of the payment list.
type Payment struct {
	Statement
	VillageName string
}

// Payments returns the approved statements of an area's month, for the
// finance office's payment list.
func (s *Service) Payments(ctx context.Context, p access.Principal, area, month string) ([]Payment, error) {
	area, err := s.area(p, area)
	if err != nil {
		return nil, err
	}
	if _, err := time.Parse("2006-01", month); err != nil {
		return nil, apperr.Field("month", "月份格式应为 2006-01")
	}
	sts, err := s.Store.Statements(ctx, area, "", month)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	out := []Payment{}
	for _, st := range sts {
		if st.Status != Approved {
			continue
		}
		if _, ok := names[st.Village]; !ok {
			r, _ := s.Store.Region(ctx, st.Village)
			names[st.Village] = r.Name
		}
		out = append(out, Payment{Statement: st, VillageName: names[st.Village]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Village+out[i].CarerName < out[j].Village+out[j].CarerName })
	return out, nil
}

// PaymentSheet writes a month's payment list (C3) as a spreadsheet: one
// row per approved statement (as Payments gives them) and a total row.
func (s *Service) PaymentSheet(ctx context.Context, p access.Principal, area, month string, w io.Writer) error {
	ps, err := s.Payments(ctx, p, area, month)
	if err != nil {
		return err
	}
	book := xlsx.New()
	sh, err := book.Sheet("补贴发放表", "邻里护理员补贴发放表 "+month, []string{"序号", "姓名", "身份证号", "村", "月份", "服务天数", "服务次数", "补贴金额(元)", "调整说明", "审批人"})
	if err != nil {
		return fmt.Errorf("carer.PaymentSheet: %w", err)
	}
	total := 0
	for i, x := range ps {
		if err := sh.Row(i+1, x.CarerName, x.IDNumber, x.VillageName, x.Month, x.Days, x.Logs, x.Amount, x.Reason, x.ApprovedByName); err != nil {
			return fmt.Errorf("carer.PaymentSheet: %w", err)
		}
		total += x.Amount
	}
	if err := sh.Row("合计", fmt.Sprintf("%d 人", len(ps)), "", "", "", "", "", total); err != nil {
		return fmt.Errorf("carer.PaymentSheet: %w", err)
	}
	if _, err := book.WriteTo(w); err != nil {
		return fmt.Errorf("carer.PaymentSheet: %w", err)
	}
	return nil
}
