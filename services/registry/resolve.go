package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/services/audit"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/pii"
	"jinhui/shared/textnorm"
)

// ResolveInput is what an organizer decides from a comparison (rule E5),
// applied in one step: the sheet's rows to add, the rows whose differing
// fields take the office's values, and the register's elders missing from
// the sheet to mark moved, left or deceased. What is not selected keeps
// the register's value.
type ResolveInput struct {
	Add    []int    `json:"add"`
	Update []int    `json:"update"`
	Gone   []string `json:"gone"`
	Status string   `json:"status"` // for Gone: moved (default), left or deceased
	Date   string   `json:"date"`   // of the status change; today by default
	Reason string   `json:"reason"`
}

// ResolveReport says what a resolution did. Skipped lists selections that
// no longer apply (handled already, or changed by someone meanwhile):
// sending the same resolution again completes one cut short.
type ResolveReport struct {
	Added   int       `json:"added"`
	Updated int       `json:"updated"`
	Marked  int       `json:"marked"`
	Skipped []Problem `json:"skipped"`
}

// goneStatuses are what an elder missing from the office's list may be marked.
var goneStatuses = []string{StatusMoved, StatusLeft, StatusDeceased}

// ResolveComparison compares the sheet again and applies the organizer's
// selections in bulk: new rows become township proposals (E4 step 1),
// differing rows take the sheet's values for the compared fields, and the
// selected missing elders get a status change with date and reason (E3).
// Writes are one insert and one bulk replace whatever the number of rows.
func (s *Service) ResolveComparison(ctx context.Context, p access.Principal, sh Sheet, in ResolveInput) (ResolveReport, error) {
	if err := p.RequireWriter(); err != nil {
		return ResolveReport{}, err
	}
	in.Reason = textnorm.Trim(in.Reason)
	if in.Reason == "" || len([]rune(in.Reason)) > 500 {
		return ResolveReport{}, apperr.Field("reason", "请填写处理原因(不超过 500 字)")
	}
	if len(in.Add)+len(in.Update)+len(in.Gone) == 0 {
		return ResolveReport{}, apperr.Field("add", "请至少选择一项要处理的差异(新增、更新或标记)")
	}
	if len(in.Add) > 0 && Level(p.Level) > Township {
		return ResolveReport{}, apperr.New(apperr.Forbidden, "老人由乡镇及以上组织者导入, 村级只做确认")
	}
	if in.Status == "" {
		in.Status = StatusMoved
	}
	if !slices.Contains(goneStatuses, in.Status) {
		return ResolveReport{}, apperr.Field("status", "状态应为 迁出(moved)、退出(left) 或 去世(deceased)")
	}
	now := s.Now()
	if in.Date == "" {
		in.Date = clock.Today(now)
	}
	if d, err := clock.ParseDate(in.Date); err != nil || d.After(now) {
		return ResolveReport{}, apperr.Field("date", "日期应为 YYYY-MM-DD 格式, 且不晚于今天")
	}
	cmp, err := s.compare(ctx, p, sh)
	if err != nil {
		return ResolveReport{}, err
	}
	rep := ResolveReport{Skipped: []Problem{}}
	isNew := map[int]bool{}
	for _, n := range cmp.New {
		isNew[n.Row] = true
	}
	// A row or elder chosen twice would be written twice.
	if err := noRepeats("add", in.Add, "第 %v 行被重复选择"); err != nil {
		return ResolveReport{}, err
	}
	if err := noRepeats("update", in.Update, "第 %v 行被重复选择"); err != nil {
		return ResolveReport{}, err
	}
	if err := noRepeats("gone", in.Gone, "同一位老人被重复选择"); err != nil {
		return ResolveReport{}, err
	}
	var add []Elder
	for i, n := range in.Add {
		e, ok := cmp.sheet[n]
		switch {
		case !ok:
			return ResolveReport{}, apperr.Field(fmt.Sprintf("add[%d]", i), fmt.Sprintf("第 %d 行不是表格中有效的数据行", n))
		case !isNew[n]:
			rep.Skipped = append(rep.Skipped, Problem{Row: n, Field: e.Name, Problem: "已在名册中, 未重复新增"})
			continue
		}
		e.ID, e.Status, e.Stage, e.Version, e.CreatedAt, e.UpdatedAt, e.History = NewID(), StatusPending, StageProposed, 1, now, now, []StatusChange{}
		e.Intake = []IntakeStep{{Stage: StageProposed, By: p.ID, ByName: p.Name, Region: p.Region, Note: "名单比对新增: " + in.Reason, At: now}}
		add = append(add, e)
	}
	var changed []Elder
	var newIDs []string
	for i, n := range in.Update {
		b, ok := cmp.sheet[n]
		if !ok {
			return ResolveReport{}, apperr.Field(fmt.Sprintf("update[%d]", i), fmt.Sprintf("第 %d 行不是表格中有效的数据行", n))
		}
		e, ok := cmp.differ[n]
		if !ok {
			rep.Skipped = append(rep.Skipped, Problem{Row: n, Field: b.Name, Problem: "与名册已一致或不在名册中, 未更新"})
			continue
		}
		has := map[string]bool{}
		for _, h := range sh.Header {
			has[h] = true
		}
		if has["身份证号"] && e.IDNumber != b.IDNumber {
			newIDs = append(newIDs, b.IDNumber)
		}
		changed = append(changed, takeSheet(e, b, has, now))
	}
	if len(newIDs) > 0 {
		held, err := s.Store.ElderIDNumbers(ctx, newIDs)
		if err != nil {
			return ResolveReport{}, fmt.Errorf("registry.ResolveComparison: %w", err)
		}
		if len(held) > 0 {
			kept := changed[:0]
			for _, e := range changed {
				if slices.Contains(held, e.IDNumber) {
					rep.Skipped = append(rep.Skipped, Problem{Field: e.Name, Problem: "表格中的身份证号已属于名册中另一位老人, 未更新, 请人工核对"})
					continue
				}
				kept = append(kept, e)
			}
			changed = kept
		}
	}
	nUpdate := len(changed)
	var marked []Elder
	for i, id := range in.Gone {
		e, ok := cmp.gone[id]
		if !ok {
			rep.Skipped = append(rep.Skipped, Problem{Field: fmt.Sprintf("gone[%d]", i), Problem: "该老人不在本次比对的“名册有、名单无”之列(可能已处理), 未变更"})
			continue
		}
		if e.Status == StatusPending {
			rep.Skipped = append(rep.Skipped, Problem{Field: e.Name, Problem: "尚在入册流程中, 请在入册审核中处理"})
			continue
		}
		if !CanMove(e.Status, in.Status) {
			rep.Skipped = append(rep.Skipped, Problem{Field: e.Name, Problem: fmt.Sprintf("不能从「%s」变更为「%s」", StatusName[e.Status], StatusName[in.Status])})
			continue
		}
		e.History = append(e.History, StatusChange{From: e.Status, To: in.Status, Date: in.Date, Reason: "名单比对: " + in.Reason, By: p.ID, ByName: p.Name, At: now})
		e.Status, e.UpdatedAt = in.Status, now
		marked = append(marked, e)
	}
	if len(add) > 0 {
		// An ID number the register holds in another area (the compare reads
		// only the organizer's own) is left out, saying why, rather than
		// failing the whole insert on the unique index.
		nums := make([]string, len(add))
		for i, e := range add {
			nums[i] = e.IDNumber
		}
		held, err := s.Store.ElderIDNumbers(ctx, nums)
		if err != nil {
			return rep, fmt.Errorf("registry.ResolveComparison: %w", err)
		}
		kept := add[:0]
		for _, e := range add {
			if slices.Contains(held, e.IDNumber) {
				rep.Skipped = append(rep.Skipped, Problem{Field: e.Name, Problem: "该身份证号已在其他区划的名册中, 未新增, 请人工核对"})
				continue
			}
			kept = append(kept, e)
		}
		add = kept
	}
	if len(add) > 0 {
		if err := s.Store.InsertElders(ctx, add); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				return rep, apperr.New(apperr.Conflict, "处理期间名册有变动(身份证号重复), 未新增任何老人, 请重新比对")
			}
			return rep, fmt.Errorf("registry.ResolveComparison: %w", err)
		}
		rep.Added = len(add)
	}
	all := append(changed, marked...)
	var hookErrs []error
	if len(all) > 0 {
		stale, err := s.Store.ReplaceElders(ctx, all)
		if err != nil {
			return rep, fmt.Errorf("registry.ResolveComparison: %w", err)
		}
		for i, e := range all {
			if slices.Contains(stale, e.ID) {
				rep.Skipped = append(rep.Skipped, Problem{Field: e.Name, Problem: "比对期间已被他人修改, 未变更, 请重新比对"})
				continue
			}
			if i < nUpdate {
				rep.Updated++
				continue
			}
			rep.Marked++
			// Every marked elder's pairs and carers follow, even when one
			// hook fails (the daily relay check repairs what is left).
			if s.OnElderStatus != nil {
				if err := s.OnElderStatus(ctx, e); err != nil {
					hookErrs = append(hookErrs, err)
				}
			}
		}
	}
	err = s.Audit.Record(ctx, audit.Entry{ID: NewID(), At: now, ActorKind: p.Kind, ActorID: p.ID, ActorName: p.Name, Region: p.Region,
		Action: audit.ActionResolve, ObjectType: "elder-compare", ObjectID: p.Region, Areas: AreasOf(p.Region),
		Reason: fmt.Sprintf("新增 %d, 更新 %d, 标记%s %d: %s", rep.Added, rep.Updated, StatusName[in.Status], rep.Marked, in.Reason), RequestID: audit.RequestID(ctx)})
	if err := errors.Join(append(hookErrs, err)...); err != nil {
		return rep, fmt.Errorf("registry.ResolveComparison: %w", err)
	}
	return rep, nil
}

// noRepeats refuses a selection that names the same row or elder twice,
// naming the repeat (field[i]).
func noRepeats[T comparable](field string, xs []T, msg string) error {
	seen := make(map[T]bool, len(xs))
	for i, x := range xs {
		if seen[x] {
			if strings.Contains(msg, "%v") {
				msg = fmt.Sprintf(msg, x)
			}
			return apperr.Field(fmt.Sprintf("%s[%d]", field, i), msg)
		}
		seen[x] = true
	}
	return nil
}

// takeSheet gives e the sheet's values (b) for the columns the sheet has.
func takeSheet(e, b Elder, has map[string]bool, now time.Time) Elder {
	if has["姓名"] {
		e.Name = b.Name
	}
	if has["身份证号"] && e.IDNumber != b.IDNumber {
		e.IDNumber, e.Gender, e.BirthDate = b.IDNumber, b.Gender, b.BirthDate
	}
	if has["村代码"] && e.Village != b.Village {
		e.Village, e.Areas, e.KeyVillage, e.Lat, e.Lon = b.Village, b.Areas, b.KeyVillage, b.Lat, b.Lon
	}
	if has["建档立卡"] {
		e.Poor = b.Poor
	}
	if has["贫困户编号"] && strings.TrimSpace(b.PovertyNo) != "" {
		e.PovertyNo = b.PovertyNo
	}
	if has["留守"] {
		e.LeftBehind = b.LeftBehind
	}
	if has["失独"] {
		e.Bereaved = b.Bereaved
	}
	if has["残疾等级"] {
		e.Health.DisabilityLevel = b.Health.DisabilityLevel
	}
	if has["独居"] {
		e.Family.LivingAlone = b.Family.LivingAlone
	}
	age := 0
	if d, err := time.ParseInLocation(time.DateOnly, e.BirthDate, clock.Shanghai); err == nil {
		age = pii.AgeOn(d, now.In(clock.Shanghai))
	}
	e.Eligibility = CheckEligibility(&e, age)
	e.UpdatedAt = now
	return e
}
