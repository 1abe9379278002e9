package supervise

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/area"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// TaskFilter selects check tasks.
type TaskFilter struct {
	Area     string
	Month    string
	Draw     string
	Status   string
	Assignee string
	// Order is a field of TaskSorts (empty: by id), for the list only.
	Order  page.Order
	Offset int
	Limit  int
}

// TaskSorts are the columns the check task list sorts on, on the server
// (each served by an index on the subtree, the column and _id).
var TaskSorts = []string{"elderName", "village", "updatedAt"}

// AssignInput gives a task to a supervisor, by phone or unannounced visit.
type AssignInput struct {
	Assignee string `json:"assignee" validate:"required,max=64"`
	Method   string `json:"method,omitempty" validate:"omitempty,oneof=phone visit"`
	Version  int    `json:"version" validate:"required"`
}

// ResultInput is a check's result (rule Q1).
type ResultInput struct {
	Result  string `json:"result" validate:"required,oneof=confirmed not_confirmed unreachable"`
	Method  string `json:"method,omitempty" validate:"omitempty,oneof=phone visit"`
	Notes   string `json:"notes,omitempty" validate:"max=1000"`
	Version int    `json:"version" validate:"required"`
}

// ListTasks lists check tasks in p's subtree; Assignee "me" is the caller.
func (s *Service) ListTasks(ctx context.Context, p access.Principal, f TaskFilter) ([]Task, int, error) {
	c, err := scope(p, f.Area)
	if err != nil {
		return nil, 0, err
	}
	f.Area = c
	if f.Assignee == "me" {
		f.Assignee = p.ID
	}
	return s.Store.CheckTasks(ctx, f)
}

// GetTask returns a check task in p's subtree.
func (s *Service) GetTask(ctx context.Context, p access.Principal, id string) (Task, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Task{}, err
	}
	t, err := s.Store.CheckTask(ctx, id)
	if err != nil {
		return Task{}, err
	}
	return t, p.RequireArea(t.Areas, "核查任务")
}

// Assign gives an open task to another organizer whose region covers it.
func (s *Service) Assign(ctx context.Context, p access.Principal, id string, in AssignInput) (Task, error) {
	if err := valid.Struct(in); err != nil {
		return Task{}, err
	}
	t, err := s.GetTask(ctx, p, id)
	if err != nil {
		return Task{}, err
	}
	if t.Version != in.Version {
		return Task{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	a, err := s.Store.Account(ctx, in.Assignee)
	if err != nil || a.Disabled || !area.Within(a.Region, p.Region) || !slices.Contains(t.Areas, a.Region) {
		return Task{}, apperr.Field("assignee", "该账号不存在或不负责该老人所在区划")
	}
	t.Assignee, t.AssigneeName = a.ID, a.Name
	if in.Method != "" {
		t.Method = in.Method
		t.Script = Script(t)
	}
	t.UpdatedAt = s.Now()
	if err := s.Store.ReplaceCheckTask(ctx, &t); err != nil {
		return Task{}, fmt.Errorf("supervise.Assign: %w", err)
	}
	return t, nil
}

// RecordResult records a check's result. A visit not confirmed has its
// credit hours suspended and a problem opened; a confirmation restores
// hours suspended before. A task may be checked again (a family not
// reached, a second visit): every result stays in its history.
func (s *Service) RecordResult(ctx context.Context, p access.Principal, id string, in ResultInput) (Task, error) {
	if err := valid.Struct(in); err != nil {
		return Task{}, err
	}
	t, err := s.GetTask(ctx, p, id)
	if err != nil {
		return Task{}, err
	}
	if t.Version != in.Version {
		return Task{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	method := in.Method
	if method == "" {
		method = t.Method
	}
	now := s.Now()
	t.History = append(t.History, Outcome{Result: in.Result, Method: method, Notes: strings.TrimSpace(in.Notes), By: p.ID, ByName: p.Name, At: now})
	t.Status, t.Result, t.Notes, t.Method, t.UpdatedAt = TaskDone, in.Result, strings.TrimSpace(in.Notes), method, now
	if err := s.Store.ReplaceCheckTask(ctx, &t); err != nil {
		return Task{}, fmt.Errorf("supervise.RecordResult: %w", err)
	}
	switch in.Result {
	case ResultConfirmed:
		if t.Visit != "" {
			if err := s.restore(ctx, t.Visit, "抽查核实属实", p); err != nil {
				return t, err
			}
		}
	case ResultNotConfirmed:
		if t.Visit != "" {
			if err := s.suspend(ctx, t.Visit, "抽查未能核实", p); err != nil {
				return t, err
			}
		}
		desc := fmt.Sprintf("抽查%s老人(%s)的探访, 结果不属实", t.ElderName, map[string]string{MethodPhone: "电话", MethodVisit: "实地"}[method])
		if t.Notes != "" {
			desc += ": " + t.Notes
		}
		if err := s.autoProblem(ctx, "check:"+t.ID, SourceCheck, t.ID, KindUnconfirmed, t.Village, t.Areas, desc); err != nil {
			return t, err
		}
	}
	return t, nil
}
