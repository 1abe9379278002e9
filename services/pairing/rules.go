package pairing

import (
	"context"
	"fmt"
	"strings"

	"jinhui/services/access"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// RuleInput pins or forbids one volunteer for one elder, with a reason.
type RuleInput struct {
	Kind      string `json:"kind" validate:"required,oneof=pin forbid"`
	Elder     string `json:"elder" validate:"required,max=64"`
	Volunteer string `json:"volunteer" validate:"required,max=64"`
	Reason    string `json:"reason" validate:"required,min=2,max=500"`
}

// AddRule records a pin (the optimiser must use the pair) or a forbid (it
// must never propose it). A forbid on an active pair is refused: end the
// pair first, so that the relay takes over.
func (s *Service) AddRule(ctx context.Context, p access.Principal, in RuleInput) (Rule, error) {
	if err := valid.Struct(in); err != nil {
		return Rule{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Rule{}, err
	}
	e, err := s.elderFor(ctx, p, in.Elder, "elder")
	if err != nil {
		return Rule{}, err
	}
	v, err := s.Store.Volunteer(ctx, in.Volunteer)
	if err != nil || countyOf(v.Village) != countyOf(e.Village) {
		if err == nil || isNotFound(err) {
			return Rule{}, apperr.Field("volunteer", "志愿者不存在或不在老人所在县")
		}
		return Rule{}, err
	}
	existing, err := s.Store.Rules(ctx, RuleFilter{Elder: e.ID, Volunteer: v.ID, ActiveOnly: true})
	if err != nil {
		return Rule{}, fmt.Errorf("pairing.AddRule: %w", err)
	}
	if len(existing) > 0 {
		return Rule{}, apperr.Field("volunteer", "这位老人与该志愿者已有指定或禁止结对的规则, 请先撤销")
	}
	if in.Kind == RuleForbid {
		ps, err := s.Store.Pairs(ctx, PairFilter{Elder: e.ID, Volunteer: v.ID, Status: PairActive})
		if err != nil {
			return Rule{}, fmt.Errorf("pairing.AddRule: %w", err)
		}
		if len(ps) > 0 {
			return Rule{}, apperr.Field("volunteer", "该志愿者正与这位老人结对, 请先解除结对(将进入接力)")
		}
	}
	r := Rule{ID: registry.NewID(), Kind: in.Kind, Elder: e.ID, Volunteer: v.ID, ElderName: e.Name, VolunteerName: v.Name, Areas: e.Areas, County: countyOf(e.Village),
		Reason: strings.TrimSpace(in.Reason), Active: true, By: p.ID, ByName: p.Name, At: s.Now(), Version: 1}
	if err := s.Store.InsertRule(ctx, r); err != nil {
		return Rule{}, fmt.Errorf("pairing.AddRule: %w", err)
	}
	return r, nil
}

// ListRules lists pins and forbids in p's subtree, or of one elder.
func (s *Service) ListRules(ctx context.Context, p access.Principal, area, elder string, pg page.Params) ([]Rule, int, error) {
	if err := p.RequireOrganizer(); err != nil {
		return nil, 0, err
	}
	a, err := regionFor(p, area, "area")
	if err != nil {
		return nil, 0, err
	}
	rs, n, err := s.Store.RulePage(ctx, RuleFilter{Area: a, Elder: elder}, pg)
	if err != nil {
		return nil, 0, fmt.Errorf("pairing.ListRules: %w", err)
	}
	return rs, n, nil
}

// RevokeInput revokes a pin or forbid with a reason.
type RevokeInput struct {
	Reason  string `json:"reason" validate:"required,min=2,max=500"`
	Version int    `json:"version" validate:"required"`
}

// RevokeRule ends a pin or forbid; the record stays with who and why.
func (s *Service) RevokeRule(ctx context.Context, p access.Principal, id string, in RevokeInput) (Rule, error) {
	if err := valid.Struct(in); err != nil {
		return Rule{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Rule{}, err
	}
	r, err := s.Store.Rule(ctx, id)
	if err != nil || !p.Sees(r.Areas) {
		if err == nil || isNotFound(err) {
			return Rule{}, apperr.NotFoundf("规则不存在")
		}
		return Rule{}, err
	}
	if !r.Active {
		return Rule{}, apperr.New(apperr.Conflict, "该规则已撤销")
	}
	if r.Version != in.Version {
		return Rule{}, apperr.New(apperr.Conflict, "规则已被他人修改, 请刷新后重试")
	}
	now := s.Now()
	r.Active, r.RevokedBy, r.RevokedAt, r.RevokedReason = false, p.ID, &now, strings.TrimSpace(in.Reason)
	if err := s.Store.ReplaceRule(ctx, &r); err != nil {
		return Rule{}, fmt.Errorf("pairing.RevokeRule: %w", err)
	}
	return r, nil
}
