package visit

import (
	"context"
	"fmt"
	"time"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/valid"
)

// DateInput moves a visit to another day of its month.
type DateInput struct {
	Date    string `json:"date" validate:"required,datetime=2006-01-02"`
	Reason  string `json:"reason" validate:"required,max=200"`
	Version int    `json:"version" validate:"required"`
}

// ReasonInput gives a visit back, with a reason.
type ReasonInput struct {
	Reason  string `json:"reason" validate:"required,max=200"`
	Version int    `json:"version" validate:"required"`
}

// SwapInput swaps a visit with the partner's visit to the same elder.
type SwapInput struct {
	With    string `json:"with" validate:"required,max=120"`
	Version int    `json:"version" validate:"required"`
}

func (s *Service) change(v *Visit, p access.Principal, kind, from, to, reason string) {
	now := s.Now()
	v.Changes = append(v.Changes, Change{Kind: kind, From: from, To: to, Reason: reason, By: p.ID, ByName: p.Name, At: now})
	v.UpdatedAt = now
}

func (s *Service) today() string { return clock.Today(s.Now()) }

// replan writes v, then replaces its pending reminders with ones for its
// (new) date and volunteer. A visit taken over on the same day, or moved
// and moved back, gets its skipped reminders back (issue 12: skipping
// them and inserting the same ids left it with none).
func (s *Service) replan(ctx context.Context, v *Visit) error {
	if err := s.Store.ReplaceVisit(ctx, v); err != nil {
		return err
	}
	return s.Store.ReplanReminders(ctx, v.ID, Reminders(*v, s.Now()))
}

// ProposeDate moves the volunteer's own visit to another day of the same
// month, today or later; the change is recorded and reminders follow it.
func (s *Service) ProposeDate(ctx context.Context, p access.Principal, id string, in DateInput) (Visit, error) {
	if err := valid.Struct(in); err != nil {
		return Visit{}, err
	}
	v, err := s.mine(ctx, p, id)
	if err != nil {
		return Visit{}, err
	}
	if v.Version != in.Version {
		return Visit{}, apperr.New(apperr.Conflict, "探访已被修改, 请刷新后重试")
	}
	if v.Status != StatusPlanned && v.Status != StatusMissed {
		return Visit{}, apperr.Errorf(apperr.Conflict, "该探访当前状态为「%s」, 不能改期", StatusName[v.Status])
	}
	if in.Date[:7] != v.Month {
		return Visit{}, apperr.Field("date", "只能改到本月内的日期")
	}
	if in.Date < s.today() {
		return Visit{}, apperr.Field("date", "不能改到已经过去的日期")
	}
	s.change(&v, p, "date", v.Date, in.Date, in.Reason)
	v.Date, v.Status, v.Escalation = in.Date, StatusPlanned, 0
	if err := s.replan(ctx, &v); err != nil {
		return Visit{}, fmt.Errorf("visit.ProposeDate: %w", err)
	}
	return v, nil
}

// GiveBack hands the volunteer's visit to their partners on the elder,
// who are told by SMS and may take it.
func (s *Service) GiveBack(ctx context.Context, p access.Principal, id string, in ReasonInput) (Visit, error) {
	if err := valid.Struct(in); err != nil {
		return Visit{}, err
	}
	v, err := s.mine(ctx, p, id)
	if err != nil {
		return Visit{}, err
	}
	if v.Version != in.Version {
		return Visit{}, apperr.New(apperr.Conflict, "探访已被修改, 请刷新后重试")
	}
	if v.Status != StatusPlanned && v.Status != StatusMissed {
		return Visit{}, apperr.Errorf(apperr.Conflict, "该探访当前状态为「%s」, 不能退回", StatusName[v.Status])
	}
	if len(v.Partners) == 0 {
		return Visit{}, apperr.New(apperr.Conflict, "该老人没有其他结对志愿者, 请联系组织者")
	}
	s.change(&v, p, "giveback", v.Volunteer, "", in.Reason)
	v.Status = StatusOffered
	if err := s.Store.ReplaceVisit(ctx, &v); err != nil {
		return Visit{}, fmt.Errorf("visit.GiveBack: %w", err)
	}
	s.offer(ctx, v, "giveback:"+fmt.Sprint(len(v.Changes)))
	return v, nil
}

// Take lets a partner take a visit that was given back or offered after
// it was missed; it becomes theirs.
func (s *Service) Take(ctx context.Context, p access.Principal, id string, in ReasonInput) (Visit, error) {
	if err := valid.Struct(in); err != nil {
		return Visit{}, err
	}
	if p.Kind != access.KindVolunteer {
		return Visit{}, apperr.New(apperr.Forbidden, "仅限结对志愿者操作")
	}
	v, err := s.VisitFor(ctx, p, id)
	if err != nil {
		return Visit{}, err
	}
	if v.Version != in.Version {
		return Visit{}, apperr.New(apperr.Conflict, "探访已被修改, 请刷新后重试")
	}
	if v.Status != StatusOffered || v.Volunteer == p.ID {
		return Visit{}, apperr.New(apperr.Conflict, "该探访当前不可接手")
	}
	var me Partner
	for _, q := range v.Partners {
		if q.ID == p.ID {
			me = q
		}
	}
	s.change(&v, p, "take", v.Volunteer, p.ID, in.Reason)
	v.Partners = swapPartner(v.Partners, p.ID, Partner{ID: v.Volunteer, Name: v.VolunteerName, Pair: v.Pair})
	v.Volunteer, v.VolunteerName, v.Pair, v.Status = me.ID, me.Name, me.Pair, StatusPlanned
	if v.Date < s.today() {
		v.Date = s.today()
	}
	if err := s.replan(ctx, &v); err != nil {
		return Visit{}, fmt.Errorf("visit.Take: %w", err)
	}
	return v, nil
}

// Swap exchanges the volunteer's visit with their partner's visit to the
// same elder in the same month; the partner is told by SMS.
func (s *Service) Swap(ctx context.Context, p access.Principal, id string, in SwapInput) (Visit, error) {
	if err := valid.Struct(in); err != nil {
		return Visit{}, err
	}
	a, err := s.mine(ctx, p, id)
	if err != nil {
		return Visit{}, err
	}
	b, err := s.VisitFor(ctx, p, in.With)
	if err != nil {
		return Visit{}, apperr.Field("with", "找不到要交换的探访")
	}
	if a.Version != in.Version {
		return Visit{}, apperr.New(apperr.Conflict, "探访已被修改, 请刷新后重试")
	}
	if b.Elder != a.Elder || b.Month != a.Month || b.Volunteer == a.Volunteer || a.Status != StatusPlanned || b.Status != StatusPlanned {
		return Visit{}, apperr.Field("with", "只能与同一位老人、同一个月、搭档尚未进行的探访交换")
	}
	pa := Partner{ID: a.Volunteer, Name: a.VolunteerName, Pair: a.Pair}
	pb := Partner{ID: b.Volunteer, Name: b.VolunteerName, Pair: b.Pair}
	s.change(&a, p, "swap", pa.ID, pb.ID, "与"+pb.Name+"交换")
	s.change(&b, p, "swap", pb.ID, pa.ID, "与"+pa.Name+"交换")
	a.Volunteer, a.VolunteerName, a.Pair, a.Partners = pb.ID, pb.Name, pb.Pair, swapPartner(a.Partners, pb.ID, pa)
	b.Volunteer, b.VolunteerName, b.Pair, b.Partners = pa.ID, pa.Name, pa.Pair, swapPartner(b.Partners, pa.ID, pb)
	if err := s.replan(ctx, &a); err != nil {
		return Visit{}, fmt.Errorf("visit.Swap: %w", err)
	}
	if err := s.replan(ctx, &b); err != nil {
		return Visit{}, fmt.Errorf("visit.Swap: %w", err)
	}
	if phone, err := s.Store.VolunteerPhone(ctx, pb.ID); err == nil {
		_ = s.SMS.SendTemplate(ctx, "swap:"+a.ID+":"+fmt.Sprint(len(a.Changes)), phone, "visit_swap",
			map[string]string{"volunteer": pb.Name, "partner": pa.Name, "elder": a.ElderName, "village": a.VillageName, "date": a.Date}, time.Time{})
	}
	return a, nil
}

func swapPartner(ps []Partner, out string, in Partner) []Partner {
	res := make([]Partner, 0, len(ps))
	for _, q := range ps {
		if q.ID == out {
			res = append(res, in)
		} else {
			res = append(res, q)
		}
	}
	return res
}
