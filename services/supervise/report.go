package supervise

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"jinhui/shared/page"
	"jinhui/shared/valid"
	"jinhui/shared/xlsx"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/clock"
)

// Figures are the raw rows a monthly report counts, each with its areas.
type Figures struct {
	Elders   []ElderRow
	Visits   []StatusRow // the month's visits
	Tasks    []StatusRow // the month's check tasks: Status is the result ("" if none yet)
	Problems []Problem
	Relays   []RelayRow // open relays
}

// ElderRow is an active elder and whether they have an active pair.
type ElderRow struct {
	Areas  []string
	Paired bool
}

// StatusRow is a record's areas and status.
type StatusRow struct {
	Areas  []string
	Status string
}

// RelayRow is an open relay (rule P2) and the day it opened.
type RelayRow struct {
	Areas  []string
	Opened string
}

// Row is one child area's line of the monthly report (rule Q4).
type Row struct {
	Rank         int     `bson:"rank" json:"rank"`
	Area         string  `bson:"area" json:"area"`
	Name         string  `bson:"name" json:"name"`
	Elders       int     `bson:"elders" json:"elders"`
	Paired       int     `bson:"paired" json:"paired"`
	Coverage     float64 `bson:"coverage" json:"coverage"`
	Planned      int     `bson:"planned" json:"planned"`
	Done         int     `bson:"done" json:"done"`
	DoneRate     float64 `bson:"doneRate" json:"doneRate"`
	Checked      int     `bson:"checked" json:"checked"`
	Confirmed    int     `bson:"confirmed" json:"confirmed"`
	NotConfirmed int     `bson:"notConfirmed" json:"notConfirmed"`
	Unreachable  int     `bson:"unreachable" json:"unreachable"`
	ConfirmRate  float64 `bson:"confirmRate" json:"confirmRate"`
	OpenProblems int     `bson:"openProblems" json:"openProblems"`
	Overdue      int     `bson:"overdue" json:"overdue"`
	OpenRelays   int     `bson:"openRelays" json:"openRelays"`
	RelayDays    int     `bson:"relayDays" json:"relayDays"`
	MaxRelayDays int     `bson:"maxRelayDays" json:"maxRelayDays"`
	LateRelays   int     `bson:"lateRelays" json:"lateRelays"`
	Score        float64 `bson:"score" json:"score"`
}

// Report is a month's report of an area's children, kept as generated:
// generating again adds version n+1, the earlier ones stay as they were.
type Report struct {
	ID       string    `bson:"_id" json:"id"`
	Area     string    `bson:"area" json:"area"`
	AreaName string    `bson:"areaName" json:"areaName"`
	Areas    []string  `bson:"areas" json:"-"`
	Month    string    `bson:"month" json:"month"`
	N        int       `bson:"n" json:"n"`
	AsOf     string    `bson:"asOf" json:"asOf"`
	Rows     []Row     `bson:"rows" json:"rows"`
	Total    Row       `bson:"total" json:"total"`
	By       string    `bson:"by" json:"by"`
	ByName   string    `bson:"byName" json:"byName"`
	At       time.Time `bson:"at" json:"at"`
}

// ReportInput asks for a month's report.
type ReportInput struct {
	Area  string `json:"area,omitempty" validate:"max=12"`
	Month string `json:"month" validate:"required,datetime=2006-01"`
}

// RelayLateDays is how long an open relay may wait before it counts as late (rule P2).
const RelayLateDays = 14

// Score weights (rule Q4): coverage 30, visits done 30, checks confirmed
// 20 (an area with no check results gets none of these: unchecked is not
// confirmed), no overdue problems 10, no late relays 10.
func score(r Row) float64 {
	s := 30*r.Coverage + 30*r.DoneRate + 20*r.ConfirmRate + 10/float64(1+r.Overdue) + 10/float64(1+r.LateRelays)
	return round(s, 2)
}

func round(x float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(x*p) / p
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return round(float64(a)/float64(b), 4)
}

// Rank counts the figures for each child area as of day asOf and ranks
// them by score (ties: by code). It is a pure function.
func Rank(children []registry.Region, f Figures, asOf string) ([]Row, Row) {
	idx := map[string]int{}
	rows := make([]Row, len(children))
	for i, c := range children {
		rows[i] = Row{Area: c.Code, Name: c.Name}
		idx[c.Code] = i
	}
	total := Row{Name: "合计"}
	each := func(areas []string, fn func(r *Row)) {
		fn(&total)
		for _, a := range areas {
			if i, ok := idx[a]; ok {
				fn(&rows[i])
				return
			}
		}
	}
	asOfDay, _ := clock.ParseDate(asOf)
	for _, e := range f.Elders {
		each(e.Areas, func(r *Row) {
			r.Elders++
			if e.Paired {
				r.Paired++
			}
		})
	}
	for _, v := range f.Visits {
		if v.Status == "cancelled" {
			continue
		}
		each(v.Areas, func(r *Row) {
			r.Planned++
			if v.Status == "done" {
				r.Done++
			}
		})
	}
	for _, t := range f.Tasks {
		each(t.Areas, func(r *Row) {
			switch t.Status {
			case ResultConfirmed:
				r.Checked++
				r.Confirmed++
			case ResultNotConfirmed:
				r.Checked++
				r.NotConfirmed++
			case ResultUnreachable:
				r.Checked++
				r.Unreachable++
			}
		})
	}
	for _, p := range f.Problems {
		if p.Status == ProblemClosed {
			continue
		}
		each(p.Areas, func(r *Row) {
			r.OpenProblems++
			if p.IsOverdue(asOf) {
				r.Overdue++
			}
		})
	}
	for _, rl := range f.Relays {
		days := 0
		if d, err := clock.ParseDate(rl.Opened); err == nil {
			days = max(0, int(asOfDay.Sub(d).Hours()/24))
		}
		each(rl.Areas, func(r *Row) {
			r.OpenRelays++
			r.RelayDays += days
			r.MaxRelayDays = max(r.MaxRelayDays, days)
			if days > RelayLateDays {
				r.LateRelays++
			}
		})
	}
	fin := func(r *Row) {
		r.Coverage, r.DoneRate = ratio(r.Paired, r.Elders), ratio(r.Done, r.Planned)
		r.ConfirmRate = ratio(r.Confirmed, r.Confirmed+r.NotConfirmed)
		r.Score = score(*r)
	}
	for i := range rows {
		fin(&rows[i])
	}
	fin(&total)
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Score != rows[j].Score {
			return rows[i].Score > rows[j].Score
		}
		return rows[i].Area < rows[j].Area
	})
	for i := range rows {
		rows[i].Rank = i + 1
	}
	return rows, total
}

// NewReport counts and ranks a month for the children of an area (the
// caller's by default) and keeps the result (rule Q4). Figures are as of
// the month's last day, or today while the month runs.
func (s *Service) NewReport(ctx context.Context, p access.Principal, in ReportInput) (Report, error) {
	if err := valid.Struct(in); err != nil {
		return Report{}, err
	}
	c, err := scope(p, in.Area)
	if err != nil {
		return Report{}, err
	}
	m, err := time.ParseInLocation("2006-01", in.Month, clock.Shanghai)
	if err != nil {
		return Report{}, apperr.Field("month", "月份格式应为 YYYY-MM")
	}
	asOf := m.AddDate(0, 1, -1).Format(time.DateOnly)
	if t := s.today(); t < asOf {
		asOf = t
	}
	reg, err := s.Store.Region(ctx, c)
	if err != nil {
		return Report{}, fmt.Errorf("supervise.NewReport: %w", err)
	}
	children, err := s.Store.ChildRegions(ctx, c)
	if err != nil {
		return Report{}, fmt.Errorf("supervise.NewReport: %w", err)
	}
	f, err := s.Store.SupFigures(ctx, c, in.Month)
	if err != nil {
		return Report{}, fmt.Errorf("supervise.NewReport: %w", err)
	}
	rows, total := Rank(children, f, asOf)
	prior, _, err := s.Store.SupReports(ctx, c, in.Month, page.Order{}, 0, 500)
	if err != nil {
		return Report{}, fmt.Errorf("supervise.NewReport: %w", err)
	}
	n := 0
	for _, r := range prior {
		if r.Area == c {
			n = max(n, r.N)
		}
	}
	r := Report{ID: fmt.Sprintf("%s:%s:%d", c, in.Month, n+1), Area: c, AreaName: reg.Name, Areas: reg.Areas, Month: in.Month, N: n + 1,
		AsOf: asOf, Rows: rows, Total: total, By: p.ID, ByName: p.Name, At: s.Now()}
	if err := s.Store.InsertSupReport(ctx, r); err != nil {
		return Report{}, fmt.Errorf("supervise.NewReport: %w", err)
	}
	return r, nil
}

// GetReport returns a kept report in p's subtree.
func (s *Service) GetReport(ctx context.Context, p access.Principal, id string) (Report, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Report{}, err
	}
	r, err := s.Store.SupReport(ctx, id)
	if err != nil {
		return Report{}, err
	}
	return r, p.RequireArea(r.Areas, "月度通报")
}

// ReportSorts are the columns the report list sorts on, on the server
// (each served by an index on the subtree, the column and _id).
var ReportSorts = []string{"month", "at"}

// ListReports lists kept reports of a subtree.
func (s *Service) ListReports(ctx context.Context, p access.Principal, areaCode, month string, ord page.Order, offset, limit int) ([]Report, int, error) {
	c, err := scope(p, areaCode)
	if err != nil {
		return nil, 0, err
	}
	return s.Store.SupReports(ctx, c, month, ord, offset, limit)
}

// XLSX renders a kept report as the spreadsheet offices exchange (rule R2).
func XLSX(r Report) ([]byte, error) {
	book := xlsx.New()
	sh, err := book.Sheet("月度通报", fmt.Sprintf("%s %s 金晖助老督查通报(第 %d 版, 截至 %s)", r.AreaName, r.Month, r.N, r.AsOf),
		[]string{"排名", "区划代码", "区划", "在册老人", "已结对", "结对覆盖率", "计划探访", "完成探访", "完成率", "抽查数", "属实", "不属实", "未联系上",
			"核实率", "未销号问题", "逾期问题", "待接力", "接力等待天数", "最长等待天数", "逾期接力", "得分"})
	if err != nil {
		return nil, fmt.Errorf("supervise.XLSX: %w", err)
	}
	line := func(x Row, rank any) error {
		return sh.Row(rank, x.Area, x.Name, x.Elders, x.Paired, x.Coverage, x.Planned, x.Done, x.DoneRate, x.Checked, x.Confirmed, x.NotConfirmed,
			x.Unreachable, x.ConfirmRate, x.OpenProblems, x.Overdue, x.OpenRelays, x.RelayDays, x.MaxRelayDays, x.LateRelays, x.Score)
	}
	for _, x := range r.Rows {
		if err := line(x, x.Rank); err != nil {
			return nil, fmt.Errorf("supervise.XLSX: %w", err)
		}
	}
	if err := line(r.Total, ""); err != nil {
		return nil, fmt.Errorf("supervise.XLSX: %w", err)
	}
	data, err := book.Bytes()
	if err != nil {
		return nil, fmt.Errorf("supervise.XLSX: %w", err)
	}
	return data, nil
}

// MonthlyReports keeps a month's report for every province and city of
// the tree (rule Q4, 一月一通报); the scheduler runs it on the 1st for the
// month before. A region already reported by the system for that month is
// skipped, so a retried task adds nothing. It returns how many it made.
func (s *Service) MonthlyReports(ctx context.Context, month string) (int, error) {
	provinces, err := s.Store.ChildRegions(ctx, "")
	if err != nil {
		return 0, fmt.Errorf("supervise.MonthlyReports: %w", err)
	}
	var regions []string
	for _, pr := range provinces {
		regions = append(regions, pr.Code)
		cities, err := s.Store.ChildRegions(ctx, pr.Code)
		if err != nil {
			return 0, fmt.Errorf("supervise.MonthlyReports: %w", err)
		}
		for _, c := range cities {
			regions = append(regions, c.Code)
		}
	}
	made := 0
	for _, code := range regions {
		prior, _, err := s.Store.SupReports(ctx, code, month, page.Order{}, 0, 500)
		if err != nil {
			return made, fmt.Errorf("supervise.MonthlyReports: %w", err)
		}
		done := false
		for _, r := range prior {
			done = done || (r.Area == code && r.By == systemID)
		}
		if done {
			continue
		}
		sys := access.Principal{Kind: access.KindOrganizer, ID: systemID, Name: "系统(每月通报)", Role: access.RoleAdmin, Region: code, Level: int(area.LevelOf(code))}
		if _, err := s.NewReport(ctx, sys, ReportInput{Month: month}); err != nil {
			return made, err
		}
		made++
	}
	return made, nil
}

const systemID = "system"
