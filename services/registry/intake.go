package registry

import (
	"context"
	"fmt"
	"strings"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// IntakeInput carries an intake decision (rule E4).
type IntakeInput struct {
	Note    string `json:"note,omitempty" validate:"max=500"`
	Version int    `json:"version" validate:"required"`
}

// counting are the statuses that hold a place in a county's quota.
var counting = []string{StatusPending, StatusActive, StatusHospitalised}

// ApproveElder is rule E4's second step: the organizer of the elder's
// county approves a proposed elder within the county's quota. An elder who
// fails rule E1 needs a recorded override first.
func (s *Service) ApproveElder(ctx context.Context, p access.Principal, id string, in IntakeInput) (Elder, error) {
	if err := valid.Struct(in); err != nil {
		return Elder{}, err
	}
	e, err := s.intakeStep(ctx, p, id, in, County, StageProposed)
	if err != nil {
		return Elder{}, err
	}
	if !e.Eligibility.Eligible {
		return Elder{}, apperr.New(apperr.Invalid, "不符合帮扶条件("+strings.Join(e.Eligibility.Reasons, "、")+"); 如确需纳入, 请先记录人工认定")
	}
	county, err := s.Store.Region(ctx, AncestorAt(e.Village, County))
	if err != nil {
		return Elder{}, fmt.Errorf("registry.ApproveElder: %w", err)
	}
	used, err := s.Store.CountElders(ctx, Filter{Area: county.Code, Stage: []string{StageApproved, StageConfirmed}, Status: counting})
	if err != nil {
		return Elder{}, fmt.Errorf("registry.ApproveElder: %w", err)
	}
	if used >= county.ElderQuota {
		return Elder{}, apperr.Errorf(apperr.Conflict, "%s名额已满(%d/%d), 请先向上级申请增加名额", county.Name, used, county.ElderQuota)
	}
	return s.advance(ctx, p, e, StageApproved, StatusPending, in.Note)
}

// RejectElder ends a proposal at the county's step (rule E4).
func (s *Service) RejectElder(ctx context.Context, p access.Principal, id string, in IntakeInput) (Elder, error) {
	if err := valid.Struct(in); err != nil {
		return Elder{}, err
	}
	e, err := s.intakeStep(ctx, p, id, in, County, StageProposed)
	if err != nil {
		return Elder{}, err
	}
	if strings.TrimSpace(in.Note) == "" {
		return Elder{}, apperr.Field("note", "请填写不予通过的原因")
	}
	return s.advance(ctx, p, e, StageRejected, StatusRejected, in.Note)
}

// ConfirmElder is rule E4's last step: the village confirms an approved
// elder, who then becomes active in the programme. Where the village has
// no working account, the county organizer over it confirms on its
// behalf, with a reason; the step is recorded as such.
func (s *Service) ConfirmElder(ctx context.Context, p access.Principal, id string, in IntakeInput) (Elder, error) {
	if err := valid.Struct(in); err != nil {
		return Elder{}, err
	}
	if Level(p.Level) == County {
		e, err := s.intakeStep(ctx, p, id, in, County, StageApproved)
		if err != nil {
			return Elder{}, err
		}
		if strings.TrimSpace(in.Note) == "" {
			return Elder{}, apperr.Field("note", "县级代村确认须填写原因(如: 该村暂无组织者账号)")
		}
		return s.advanceOnBehalf(ctx, p, e, StageConfirmed, StatusActive, in.Note, e.Village)
	}
	e, err := s.intakeStep(ctx, p, id, in, Village, StageApproved)
	if err != nil {
		return Elder{}, err
	}
	return s.advance(ctx, p, e, StageConfirmed, StatusActive, in.Note)
}

// intakeStep loads the elder and checks that p sits at the level that owns
// the step, over the elder, and that the elder waits for that step.
func (s *Service) intakeStep(ctx context.Context, p access.Principal, id string, in IntakeInput, lv Level, want string) (Elder, error) {
	if err := p.RequireWriter(); err != nil {
		return Elder{}, err
	}
	e, err := s.ElderFor(ctx, p, id)
	if err != nil {
		return Elder{}, err
	}
	if Level(p.Level) != lv {
		return Elder{}, apperr.Errorf(apperr.Forbidden, "此步骤须由%s级组织者办理", LevelName[lv])
	}
	if e.Stage != want {
		return Elder{}, apperr.Errorf(apperr.Conflict, "该老人当前不在待办环节(当前: %s)", e.Stage)
	}
	if in.Version != e.Version {
		return Elder{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	return e, nil
}

func (s *Service) advance(ctx context.Context, p access.Principal, e Elder, stage, status, note string) (Elder, error) {
	return s.advanceOnBehalf(ctx, p, e, stage, status, note, "")
}

func (s *Service) advanceOnBehalf(ctx context.Context, p access.Principal, e Elder, stage, status, note, village string) (Elder, error) {
	now := s.Now()
	e.Intake = append(e.Intake, IntakeStep{Stage: stage, By: p.ID, ByName: p.Name, Region: p.Region, Note: note, OnBehalfOf: village, At: now})
	if status != e.Status {
		reason := "入册流程: " + stage
		if village != "" {
			reason = "入册流程: 县级代村确认(" + strings.TrimSpace(note) + ")"
		}
		e.History = append(e.History, StatusChange{From: e.Status, To: status, Date: clock.Today(now), Reason: reason, By: p.ID, ByName: p.Name, At: now})
	}
	e.Stage, e.Status, e.UpdatedAt = stage, status, now
	if err := s.Store.ReplaceElder(ctx, &e); err != nil {
		return Elder{}, fmt.Errorf("registry.advance: %w", err)
	}
	return e.Masked(), nil
}

// IntakeQueue lists the elders waiting for p's step: proposals for a
// county organizer, approved elders for a village organizer, and for a
// township the proposals it made that are still open.
func (s *Service) IntakeQueue(ctx context.Context, p access.Principal, ord page.Order, offset, limit int) (Page[Elder], error) {
	if err := p.RequireOrganizer(); err != nil {
		return Page[Elder]{}, err
	}
	f := Filter{Area: p.Region, Order: ord, Offset: offset, Limit: limit}
	switch Level(p.Level) {
	case Village:
		f.Stage = []string{StageApproved}
	default:
		f.Stage = []string{StageProposed}
	}
	return s.ListElders(ctx, p, f)
}
