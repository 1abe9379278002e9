// Package stats computes the programme's figures (rules R1, R2) from
// totals derived from the ledger and the registers. It reads one totals
// document per area (by _id), never the ledger.
package stats

import (
	"context"
	"fmt"
	"sort"
	"time"

	"jinhui/shared/xlsx"

	"jinhui/services/access"
	"jinhui/services/wish"

	"jinhui/services/ledger"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
)

// Store is what figures need from the database.
type Store interface {
	// RegionFamily returns a node and its children in one read.
	RegionFamily(ctx context.Context, code string) (registry.Region, []registry.Region, error)
	AreaTotals(ctx context.Context, codes []string) (map[string]ledger.AreaTotals, error)
	ledger.CensusStore
}

// Service is the figures service.
type Service struct {
	Store Store
	Now   func() time.Time
	// Wishes, if set, adds the micro-wish figures (rule R3) to the export.
	Wishes WishFigures
}

// WishFigures counts micro-wishes by child area and month (services/wish).
type WishFigures interface {
	Figures(ctx context.Context, root, from, to string) ([]wish.FigureRow, error)
}

// New returns a figures service on the wall clock.
func New(s Store) *Service { return &Service{Store: s, Now: time.Now} }

// Figures are the headline figures of one area for a period (rule R1).
// Register figures (villages, volunteers, pairs, elders, carers, people
// cared for) are as of the last census; the others sum the period.
type Figures struct {
	Code        string  `json:"code"`
	Name        string  `json:"name"`
	Level       int     `json:"level"`
	Villages    int     `json:"villages"`
	Volunteers  int     `json:"volunteers"`
	Recruited   int     `json:"recruited"`
	Pairs       int     `json:"pairs"`
	Elders      int     `json:"elders"`
	Covered     int     `json:"eldersCovered"`
	Visits      int     `json:"visits"`
	CreditHours float64 `json:"creditHours"`
	HonourHours float64 `json:"honourHours"`
	Over4h      int     `json:"over4h"`
	Carers      int     `json:"carers"`
	CaredFor    int     `json:"caredFor"`
	CarerLogs   int     `json:"carerLogs"`
	CarerHours  float64 `json:"carerHours"`
	Subsidy     int     `json:"subsidyYuan"`
}

// Month is one month of an area's ledger figures.
type Month struct {
	Month       string  `json:"month"`
	Visits      int     `json:"visits"`
	CreditHours float64 `json:"creditHours"`
	HonourHours float64 `json:"honourHours"`
	Over4h      int     `json:"over4h"`
	CarerHours  float64 `json:"carerHours"`
	Subsidy     int     `json:"subsidyYuan"`
	Recruited   int     `json:"recruited"`
}

// Report is an area's figures with its children (the drill-down) and
// its months.
type Report struct {
	From     string     `json:"from"`
	To       string     `json:"to"`
	Area     Figures    `json:"area"`
	Children []Figures  `json:"children"`
	Months   []Month    `json:"months"`
	CensusAt *time.Time `json:"censusAt,omitempty"`
}

// Query chooses the area and the months (inclusive, "2006-01").
type Query struct {
	Area string
	From string
	To   string
}

func hours(min int) float64 { return float64(min*10/60) / 10 }

func (s *Service) query(p access.Principal, q Query) (Query, error) {
	if err := p.RequireOrganizer(); err != nil {
		return q, err
	}
	if q.Area == "" {
		q.Area = p.Region
	}
	if !registry.Within(q.Area, p.Region) {
		return q, apperr.New(apperr.NotFound, "区划不存在")
	}
	now := s.Now().In(clock.Shanghai)
	if q.To == "" {
		q.To = now.Format("2006-01")
	}
	if q.From == "" {
		q.From = q.To[:4] + "-01"
	}
	for f, v := range map[string]string{"from": q.From, "to": q.To} {
		if _, err := time.Parse("2006-01", v); err != nil {
			return q, apperr.Field(f, "月份格式应为 2006-01")
		}
	}
	if q.From > q.To {
		return q, apperr.Field("to", "结束月份早于开始月份")
	}
	return q, nil
}

func figures(r registry.Region, t ledger.AreaTotals, from, to string) Figures {
	f := Figures{Code: r.Code, Name: r.Name, Level: int(r.Level), Villages: t.Register.Villages, Volunteers: t.Register.Volunteers,
		Pairs: t.Register.Pairs, Elders: t.Register.Elders, Covered: t.Register.Covered, Carers: t.Register.Carers, CaredFor: t.Register.CaredFor}
	var sum ledger.Sums
	for m, sm := range t.Months {
		if m >= from && m <= to {
			sum = sum.Add(sm)
		}
	}
	f.Recruited, f.Visits, f.Over4h, f.CarerLogs, f.Subsidy = sum.Recruited, sum.Visits, sum.Over4h, sum.CarerLogs, sum.Subsidy
	f.CreditHours, f.HonourHours, f.CarerHours = hours(sum.Credit), hours(sum.Honour), hours(sum.Carer)
	return f
}

// Report returns the figures of an area and of each child area, and the
// area's months.
func (s *Service) Report(ctx context.Context, p access.Principal, q Query) (Report, error) {
	q, err := s.query(p, q)
	if err != nil {
		return Report{}, err
	}
	r, kids, err := s.Store.RegionFamily(ctx, q.Area)
	if apperr.Is(err, apperr.NotFound) {
		return Report{}, apperr.New(apperr.NotFound, "区划不存在")
	}
	if err != nil {
		return Report{}, err
	}
	codes := []string{q.Area}
	for _, k := range kids {
		codes = append(codes, k.Code)
	}
	tot, err := s.Store.AreaTotals(ctx, codes)
	if err != nil {
		return Report{}, err
	}
	census, err := ledger.ReadCensus(ctx, s.Store, s.Now(), codes)
	if err != nil {
		return Report{}, err
	}
	ledger.WithCensus(tot, codes, census)
	t := tot[q.Area]
	rep := Report{From: q.From, To: q.To, Area: figures(r, t, q.From, q.To), Children: []Figures{}, Months: []Month{}}
	if !t.CensusAt.IsZero() {
		rep.CensusAt = &t.CensusAt
	}
	for _, k := range kids {
		rep.Children = append(rep.Children, figures(k, tot[k.Code], q.From, q.To))
	}
	sort.Slice(rep.Children, func(i, j int) bool { return rep.Children[i].Code < rep.Children[j].Code })
	for m := q.From; m <= q.To; m = nextMonth(m) {
		sm := t.Months[m]
		rep.Months = append(rep.Months, Month{Month: m, Visits: sm.Visits, CreditHours: hours(sm.Credit), HonourHours: hours(sm.Honour),
			Over4h: sm.Over4h, CarerHours: hours(sm.Carer), Subsidy: sm.Subsidy, Recruited: sm.Recruited})
	}
	return rep, nil
}

func nextMonth(m string) string {
	t, _ := time.Parse("2006-01", m)
	return t.AddDate(0, 1, 0).Format("2006-01")
}

// Ranked is a child area's place in the ranking.
type Ranked struct {
	Code         string  `json:"code"`
	Name         string  `json:"name"`
	CreditHours  float64 `json:"creditHours"`
	Visits       int     `json:"visits"`
	CoverageRate float64 `json:"coverageRate"`
}

// Dashboard is the organizer dashboard's chart data (rule R2).
type Dashboard struct {
	From         string   `json:"from"`
	To           string   `json:"to"`
	Elders       int      `json:"elders"`
	Covered      int      `json:"eldersCovered"`
	CoverageRate float64  `json:"coverageRate"`
	Months       []Month  `json:"months"`
	Ranking      []Ranked `json:"ranking"`
}

func rate(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a*1000/b) / 10
}

// Dashboard returns coverage, the months and the ranking of child areas
// by credit hours.
func (s *Service) Dashboard(ctx context.Context, p access.Principal, q Query) (Dashboard, error) {
	rep, err := s.Report(ctx, p, q)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{From: rep.From, To: rep.To, Elders: rep.Area.Elders, Covered: rep.Area.Covered, CoverageRate: rate(rep.Area.Covered, rep.Area.Elders),
		Months: rep.Months, Ranking: []Ranked{}}
	for _, c := range rep.Children {
		d.Ranking = append(d.Ranking, Ranked{Code: c.Code, Name: c.Name, CreditHours: c.CreditHours, Visits: c.Visits, CoverageRate: rate(c.Covered, c.Elders)})
	}
	sort.SliceStable(d.Ranking, func(i, j int) bool { return d.Ranking[i].CreditHours > d.Ranking[j].CreditHours })
	return d, nil
}

// Export writes the report as an xlsx in the plain office layout: a title,
// one row per child area, and a total row.
func (s *Service) Export(ctx context.Context, p access.Principal, q Query) ([]byte, string, error) {
	rep, err := s.Report(ctx, p, q)
	if err != nil {
		return nil, "", err
	}
	book := xlsx.New()
	sh, err := book.Sheet("统计", fmt.Sprintf("%s金晖助老工作统计表(%s 至 %s)", rep.Area.Name, rep.From, rep.To),
		[]string{"区划", "代码", "参与村数", "在册志愿者", "新招募志愿者", "结对数", "在册老人", "已结对老人", "探访次数", "服务时长(小时)", "荣誉时长(小时)",
			"4小时以上探访", "护理员", "被照护人", "护理记录", "护理时长(小时)", "补贴发放(元)"})
	if err != nil {
		return nil, "", fmt.Errorf("stats.Export: %w", err)
	}
	row := func(name string, x Figures) error {
		return sh.Row(name, x.Code, x.Villages, x.Volunteers, x.Recruited, x.Pairs, x.Elders, x.Covered, x.Visits, x.CreditHours, x.HonourHours,
			x.Over4h, x.Carers, x.CaredFor, x.CarerLogs, x.CarerHours, x.Subsidy)
	}
	for _, c := range rep.Children {
		if err := row(c.Name, c); err != nil {
			return nil, "", fmt.Errorf("stats.Export: %w", err)
		}
	}
	if err := row("合计", rep.Area); err != nil {
		return nil, "", fmt.Errorf("stats.Export: %w", err)
	}
	if s.Wishes != nil {
		if err := s.wishSheet(ctx, book, rep); err != nil {
			return nil, "", fmt.Errorf("stats.Export: %w", err)
		}
	}
	data, err := book.Bytes()
	if err != nil {
		return nil, "", fmt.Errorf("stats.Export: %w", err)
	}
	return data, fmt.Sprintf("figures-%s-%s-%s.xlsx", rep.Area.Code, rep.From, rep.To), nil
}

// wishSheet adds the micro-wishes (published, claimed, delivered, value)
// by child area and month, with a total row (rule R3).
func (s *Service) wishSheet(ctx context.Context, book *xlsx.Book, rep Report) error {
	rows, err := s.Wishes.Figures(ctx, rep.Area.Code, rep.From, rep.To)
	if err != nil {
		return err
	}
	sh, err := book.Sheet("微心愿", fmt.Sprintf("%s微心愿统计(%s 至 %s)", rep.Area.Name, rep.From, rep.To),
		[]string{"区划", "代码", "月份", "发布", "发布金额(元)", "认领", "过期未送达", "已送达", "送达金额(元)"})
	if err != nil {
		return err
	}
	var t wish.FigureRow
	for _, r := range rows {
		if err := sh.Row(r.AreaName, r.Area, r.Month, r.Published, r.PublishedValue, r.Claimed, r.Expired, r.Delivered, r.DeliveredValue); err != nil {
			return err
		}
		t.Published += r.Published
		t.PublishedValue += r.PublishedValue
		t.Claimed += r.Claimed
		t.Expired += r.Expired
		t.Delivered += r.Delivered
		t.DeliveredValue += r.DeliveredValue
	}
	return sh.Row("合计", rep.Area.Code, "", t.Published, t.PublishedValue, t.Claimed, t.Expired, t.Delivered, t.DeliveredValue)
}
