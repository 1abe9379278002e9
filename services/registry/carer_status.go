package registry

import (
	"context"
	"fmt"

	"jinhui/shared/apperr"
	"jinhui/shared/valid"

	"jinhui/services/access"
)

// ChangeCarerStatus pauses, ends or resumes a neighbour carer's service
// with a date and reason (rule C1); the history keeps every change. A
// carer who pauses or leaves loses their sessions at once (OnCarerStatus).
func (s *Service) ChangeCarerStatus(ctx context.Context, p access.Principal, id string, in StatusInput) (Carer, error) {
	if err := valid.Struct(in); err != nil {
		return Carer{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Carer{}, err
	}
	c, err := s.Store.Carer(ctx, id)
	if err != nil {
		return Carer{}, err
	}
	if err := p.RequireArea(c.Areas, "护理员"); err != nil {
		return Carer{}, err
	}
	if in.Version != c.Version {
		return Carer{}, apperr.New(apperr.Conflict, "记录已被他人修改, 请刷新后重试")
	}
	switch in.Status {
	case VolActive, VolPaused, VolLeft:
	default:
		return Carer{}, apperr.Field("status", "状态应为 active、paused 或 left")
	}
	if in.Status == c.Status {
		return Carer{}, apperr.Field("status", "状态未变化")
	}
	c.History = append(c.History, StatusChange{From: c.Status, To: in.Status, Date: in.Date, Reason: in.Reason, By: p.ID, ByName: p.Name, At: s.Now()})
	c.Status = in.Status
	if err := s.Store.ReplaceCarer(ctx, &c); err != nil {
		return Carer{}, fmt.Errorf("registry.ChangeCarerStatus: %w", err)
	}
	if s.OnCarerStatus != nil {
		if err := s.OnCarerStatus(ctx, c); err != nil {
			return c.Masked(), fmt.Errorf("registry.ChangeCarerStatus: %w", err)
		}
	}
	return c.Masked(), nil
}
