package registry

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/valid"
)

// ElderColumns are the headers of the elder sheet, in order (import,
// export and the template offices fill in).
var ElderColumns = []string{"姓名", "身份证号", "电话", "村代码", "地址", "建档立卡", "贫困户编号", "留守", "失独",
	"残疾等级", "自理能力", "独居", "子女数", "健康需求", "依存需求", "家居需求", "心理需求", "联系人", "联系人关系", "联系人电话"}

// Problem is one row's fault in an upload.
type Problem struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

// ImportReport answers an import: what was read, what is wrong, what was stored.
type ImportReport struct {
	Mode     string    `json:"mode"`
	Rows     int       `json:"rows"`
	Valid    int       `json:"valid"`
	Stored   int       `json:"stored"`
	Problems []Problem `json:"problems"`
	// Columns names the template's columns the file lacks (their fields
	// are stored empty) and the file's columns that were ignored.
	Columns Columns `json:"columns"`
}

// Import modes.
const (
	ModeCheck  = "check"  // report only, store nothing
	ModeStrict = "strict" // store all rows, or nothing if any row is wrong
	ModeValid  = "valid"  // store the valid rows only
)

func yes(s string) (bool, error) {
	switch strings.TrimSpace(s) {
	case "是", "Y", "y", "1", "true", "TRUE":
		return true, nil
	case "否", "N", "n", "0", "false", "FALSE", "":
		return false, nil
	}
	return false, fmt.Errorf("应填「是」或「否」")
}

func list(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '、' || r == ';' || r == '；' || r == ',' || r == '，' })
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	return f
}

// rowInput turns a sheet row into an ElderInput, or the first problem.
func rowInput(r Row) (ElderInput, *Problem) {
	c := r.Cells
	bad := func(field, msg string) (ElderInput, *Problem) {
		return ElderInput{}, &Problem{Row: r.N, Field: field, Problem: msg}
	}
	in := ElderInput{Name: c["姓名"], IDNumber: c["身份证号"], Phone: c["电话"], Village: c["村代码"], Address: c["地址"], PovertyNo: c["贫困户编号"]}
	if in.Name == "" || len([]rune(in.Name)) > 32 {
		return bad("姓名", "姓名不能为空且不超过 32 字")
	}
	var err error
	for _, f := range []struct {
		col string
		dst *bool
	}{{"建档立卡", &in.Poor}, {"留守", &in.LeftBehind}, {"失独", &in.Bereaved}, {"独居", &in.Family.LivingAlone}} {
		if *f.dst, err = yes(c[f.col]); err != nil {
			return bad(f.col, err.Error())
		}
	}
	if v := c["残疾等级"]; v != "" && v != "无" {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(v, "级"), " "))
		if err != nil || n < 1 || n > 4 {
			return bad("残疾等级", "应为 1 至 4 级, 或「无」")
		}
		in.Health.DisabilityLevel = n
	}
	switch v := c["自理能力"]; v {
	case "", "自理", "半失能", "失能":
		in.Health.SelfCare = v
	default:
		return bad("自理能力", "应为 自理、半失能 或 失能")
	}
	if v := c["子女数"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 20 {
			return bad("子女数", "应为 0 至 20 的整数")
		}
		in.Family.Children = n
	}
	in.Needs = Needs{Health: list(c["健康需求"]), Dependency: list(c["依存需求"]), Home: list(c["家居需求"]), Psychological: list(c["心理需求"])}
	if c["联系人"] != "" || c["联系人电话"] != "" {
		in.Contacts = []Contact{{Name: c["联系人"], Relation: c["联系人关系"], Phone: c["联系人电话"]}}
		if in.Contacts[0].Relation == "" {
			in.Contacts[0].Relation = "其他"
		}
	}
	// The same limits as a form (address ≤ 200, poverty number ≤ 32…):
	// the row is an ElderInput, checked by its tags.
	if err := valid.Struct(in); err != nil {
		e := apperr.As(err)
		return bad(columnOf(e.Field), e.Message)
	}
	return in, nil
}

// columns are the sheet's column names of ElderInput's JSON fields.
var columns = map[string]string{"name": "姓名", "idNumber": "身份证号", "phone": "电话", "village": "村代码", "address": "地址",
	"povertyNo": "贫困户编号", "contacts[0].name": "联系人", "contacts[0].phone": "联系人电话", "contacts[0].relation": "联系人关系"}

// columnOf names the column of a JSON field (the field itself when the
// sheet has no such column).
func columnOf(field string) string {
	if c, ok := columns[field]; ok {
		return c
	}
	return field
}

// villageCodes are the village codes the rows name.
func villageCodes(rows []Row) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		if c := strings.TrimSpace(r.Cells["村代码"]); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// ImportElders reads a sheet of elders from the poverty register and,
// depending on mode, stores them as township proposals (rule E4 step 1).
// Every row is checked first; the report names row, column and problem.
// A header without 姓名, 身份证号, 村代码 or 建档立卡, or with neither 留守
// nor 失独, is refused naming the column (rule E1 could not be judged: an
// absent column is not "否" for everyone).
func (s *Service) ImportElders(ctx context.Context, p access.Principal, sh Sheet, mode string) (ImportReport, error) {
	rows := sh.Rows
	if err := access.TownshipUp.Check(p); err != nil {
		return ImportReport{}, err
	}
	switch mode {
	case ModeCheck, ModeStrict, ModeValid:
	default:
		return ImportReport{}, apperr.Field("mode", "mode 应为 check、strict 或 valid")
	}
	if err := requireColumns(sh.Header, "姓名", "身份证号", "村代码", "建档立卡"); err != nil {
		return ImportReport{}, err
	}
	if !slices.Contains(sh.Header, "留守") && !slices.Contains(sh.Header, "失独") {
		return ImportReport{}, apperr.Field("file", "表头缺少「留守」和「失独」列(至少要有一列), 无法判断是否符合条件, 请补上后重新上传")
	}
	rep := ImportReport{Mode: mode, Rows: len(rows), Problems: []Problem{}, Columns: columnsOf(sh.Header, ElderColumns)}
	seen := map[string]int{}
	now := s.Now()
	var good []Elder
	var goodRow []int
	known, err := s.villages(ctx, villageCodes(rows))
	if err != nil {
		return ImportReport{}, err
	}
	for _, r := range rows {
		in, prob := rowInput(r)
		if prob != nil {
			rep.Problems = append(rep.Problems, *prob)
			continue
		}
		e := Elder{ID: NewID(), Status: StatusPending, Stage: StageProposed, CreatedAt: now, UpdatedAt: now, Version: 1, History: []StatusChange{}}
		if err := s.buildIn(ctx, p, in, &e, known); err != nil {
			ae := apperr.As(err)
			if ae == nil || ae.Field == "" {
				return ImportReport{}, fmt.Errorf("registry.ImportElders: %w", err)
			}
			rep.Problems = append(rep.Problems, Problem{Row: r.N, Field: columnOf(ae.Field), Problem: ae.Message})
			continue
		}
		if first, dup := seen[e.IDNumber]; dup {
			rep.Problems = append(rep.Problems, Problem{Row: r.N, Field: "身份证号", Problem: fmt.Sprintf("与第 %d 行重复", first)})
			continue
		}
		seen[e.IDNumber] = r.N
		e.Intake = []IntakeStep{{Stage: StageProposed, By: p.ID, ByName: p.Name, Region: p.Region, Note: "表格导入", At: now}}
		good, goodRow = append(good, e), append(goodRow, r.N)
	}
	// One query for every row's ID number, not one per row (issue 16).
	nums := make([]string, len(good))
	for i, e := range good {
		nums[i] = e.IDNumber
	}
	held, err := s.Store.ElderIDNumbers(ctx, nums)
	if err != nil {
		return ImportReport{}, fmt.Errorf("registry.ImportElders: %w", err)
	}
	if len(held) > 0 {
		in := map[string]bool{}
		for _, n := range held {
			in[n] = true
		}
		kept := good[:0]
		for i, e := range good {
			if in[e.IDNumber] {
				rep.Problems = append(rep.Problems, Problem{Row: goodRow[i], Field: "身份证号", Problem: "该老人已在名册中"})
				continue
			}
			kept = append(kept, e)
		}
		good = kept
		sortProblems(rep.Problems)
	}
	rep.Valid = len(good)
	if mode == ModeCheck || (mode == ModeStrict && len(rep.Problems) > 0) || len(good) == 0 {
		return rep, nil
	}
	if err := s.Store.InsertElders(ctx, good); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return rep, apperr.New(apperr.Conflict, "导入期间名册有变动(身份证号重复), 未保存任何记录, 请重新导入")
		}
		return rep, fmt.Errorf("registry.ImportElders: %w", err)
	}
	rep.Stored = len(good)
	return rep, nil
}

func sortProblems(ps []Problem) {
	slices.SortFunc(ps, func(a, b Problem) int { return a.Row - b.Row })
}
