package registry

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/pii"
)

// compared are the sheet columns the cross-check compares (rule E5); a
// column the sheet lacks is reported and left out, never read as 否/0.
var compared = []string{"姓名", "身份证号", "村代码", "建档立卡", "贫困户编号", "留守", "失独", "残疾等级", "独居"}

// Columns says which expected columns a sheet lacks and which of its
// columns are not known (and so ignored).
type Columns struct {
	Missing []string `json:"missing"`
	Unknown []string `json:"unknown"`
}

func columnsOf(header []string, expected []string) Columns {
	c := Columns{Missing: []string{}, Unknown: []string{}}
	for _, h := range expected {
		if !slices.Contains(header, h) {
			c.Missing = append(c.Missing, h)
		}
	}
	for _, h := range header {
		if h != "" && !slices.Contains(ElderColumns, h) {
			c.Unknown = append(c.Unknown, h)
		}
	}
	return c
}

// requireColumns refuses a sheet whose header lacks one of cols, naming
// the missing columns (an absent 建档立卡 column would otherwise read as
// "not registered poor" for everyone).
func requireColumns(header []string, cols ...string) error {
	var miss []string
	for _, c := range cols {
		if !slices.Contains(header, c) {
			miss = append(miss, "「"+c+"」")
		}
	}
	if len(miss) > 0 {
		return apperr.Field("file", "表头缺少"+strings.Join(miss, "、")+"列, 无法判断, 请在表格中补上该列后重新上传(模板列: "+strings.Join(ElderColumns, "、")+")")
	}
	return nil
}

// Diff is one elder whose register entry differs from the sheet.
type Diff struct {
	Row      int               `json:"row"`
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	IDNumber string            `json:"idNumber"`
	Version  int               `json:"version"`
	By       string            `json:"by"` // the key that matched: 贫困户编号 or 身份证号
	Fields   map[string][2]any `json:"fields"`
}

// Comparison is the answer of rule E5's cross-check.
type Comparison struct {
	Columns  Columns   `json:"columns"`
	New      []Problem `json:"new"`
	Gone     []Elder   `json:"gone"`
	Differ   []Diff    `json:"differ"`
	Problems []Problem `json:"problems"`
	Same     int       `json:"same"`
}

// comparison is a Comparison with the records behind it, for Resolve.
type comparison struct {
	Comparison
	sheet  map[int]Elder // valid sheet rows by row number
	differ map[int]Elder // the register's elder matched to a differing row
	gone   map[string]Elder
}

// CompareElders cross-checks a sheet (the poverty register, another
// source) against the register of p's subtree (rule E5): who is new (in
// the sheet only), who is gone (active in the register, not in the sheet)
// and which fields differ. A row is matched by 贫困户编号 where both sides
// have one, else by 身份证号. Only the columns the sheet has are compared;
// the missing and unknown columns are reported. It changes nothing.
func (s *Service) CompareElders(ctx context.Context, p access.Principal, sh Sheet) (Comparison, error) {
	c, err := s.compare(ctx, p, sh)
	return c.Comparison, err
}

func (s *Service) compare(ctx context.Context, p access.Principal, sh Sheet) (comparison, error) {
	if err := p.RequireOrganizer(); err != nil {
		return comparison{}, err
	}
	if err := requireColumns(sh.Header, "姓名", "身份证号", "村代码"); err != nil {
		return comparison{}, err
	}
	cmp := comparison{Comparison: Comparison{Columns: columnsOf(sh.Header, compared), New: []Problem{}, Gone: []Elder{}, Differ: []Diff{}, Problems: []Problem{}},
		sheet: map[int]Elder{}, differ: map[int]Elder{}, gone: map[string]Elder{}}
	has := map[string]bool{}
	for _, h := range sh.Header {
		has[h] = true
	}
	byID, byPov := map[string]int{}, map[string]int{}
	known, err := s.villages(ctx, villageCodes(sh.Rows))
	if err != nil {
		return comparison{}, err
	}
	for _, r := range sh.Rows {
		in, prob := rowInput(r)
		if prob != nil {
			cmp.Problems = append(cmp.Problems, *prob)
			continue
		}
		var e Elder
		if err := s.buildIn(ctx, p, in, &e, known); err != nil {
			ae := apperr.As(err)
			if ae == nil {
				return comparison{}, err
			}
			cmp.Problems = append(cmp.Problems, Problem{Row: r.N, Field: columnOf(ae.Field), Problem: ae.Message})
			continue
		}
		if first, dup := byID[e.IDNumber]; dup {
			cmp.Problems = append(cmp.Problems, Problem{Row: r.N, Field: "身份证号", Problem: fmt.Sprintf("与第 %d 行重复", first)})
			continue
		}
		if first, dup := byPov[e.PovertyNo]; dup && e.PovertyNo != "" {
			cmp.Problems = append(cmp.Problems, Problem{Row: r.N, Field: "贫困户编号", Problem: fmt.Sprintf("与第 %d 行重复", first)})
			continue
		}
		byID[e.IDNumber] = r.N
		if e.PovertyNo != "" {
			byPov[e.PovertyNo] = r.N
		}
		cmp.sheet[r.N] = e
	}
	matched := map[int]bool{}
	err = s.Store.AllElders(ctx, p.Region, func(e Elder) error {
		n, by := 0, ""
		if k, ok := byPov[e.PovertyNo]; ok && e.PovertyNo != "" && !matched[k] {
			n, by = k, "贫困户编号"
		} else if k, ok := byID[e.IDNumber]; ok && !matched[k] {
			n, by = k, "身份证号"
		}
		if n == 0 {
			if e.Status == StatusActive || e.Status == StatusHospitalised || e.Status == StatusPending {
				cmp.Gone = append(cmp.Gone, e.Masked())
				cmp.gone[e.ID] = e
			}
			return nil
		}
		matched[n] = true
		d := diff(e, cmp.sheet[n], has)
		if len(d) == 0 {
			cmp.Same++
			return nil
		}
		cmp.differ[n] = e
		cmp.Differ = append(cmp.Differ, Diff{Row: n, ID: e.ID, Name: e.Name, IDNumber: e.Masked().IDNumber, Version: e.Version, By: by, Fields: d})
		return nil
	})
	if err != nil {
		return comparison{}, fmt.Errorf("registry.CompareElders: %w", err)
	}
	for n, e := range cmp.sheet {
		if !matched[n] {
			cmp.New = append(cmp.New, Problem{Row: n, Field: e.Name, Problem: "名册中没有该老人: " + e.Masked().IDNumber})
		}
	}
	sortProblems(cmp.New)
	sortProblems(cmp.Problems)
	slices.SortFunc(cmp.Differ, func(a, b Diff) int { return a.Row - b.Row })
	return cmp, nil
}

// diff lists the fields where the register (a) and the sheet (b) differ,
// for the columns the sheet has.
func diff(a, b Elder, has map[string]bool) map[string][2]any {
	d := map[string][2]any{}
	add := func(k string, x, y any) {
		if has[k] && x != y {
			d[k] = [2]any{x, y}
		}
	}
	add("姓名", a.Name, b.Name)
	if has["身份证号"] && a.IDNumber != b.IDNumber {
		d["身份证号"] = [2]any{pii.MaskID(a.IDNumber), pii.MaskID(b.IDNumber)}
	}
	add("村代码", a.Village, b.Village)
	add("建档立卡", a.Poor, b.Poor)
	if b.PovertyNo != "" {
		add("贫困户编号", a.PovertyNo, b.PovertyNo)
	}
	add("留守", a.LeftBehind, b.LeftBehind)
	add("失独", a.Bereaved, b.Bereaved)
	add("残疾等级", a.Health.DisabilityLevel, b.Health.DisabilityLevel)
	add("独居", a.Family.LivingAlone, b.Family.LivingAlone)
	return d
}
