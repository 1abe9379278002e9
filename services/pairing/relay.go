package pairing

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"jinhui/services/access"
	"jinhui/services/pairing/solver"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/page"
	"jinhui/shared/valid"
)

// openSlot is the relay's start (rule P2): the slot's relay entry is
// recorded first, then the pair ends, so that a failure in between leaves
// the elder in the queue rather than uncovered. A successor is proposed at
// once and, if the county chooses, confirmed automatically.
func (s *Service) openSlot(ctx context.Context, by access.Principal, pr Pair, kind, text string) (Relay, error) {
	if text == "" {
		text = ReasonName[kind]
	}
	r, err := s.queue(ctx, pr.Elder, pr.ElderName, pr.Village, pr.Areas, pr.Slot, pr.Seq+1, pr.Role, kind, text, &pr)
	if err != nil {
		return Relay{}, err
	}
	if err := s.endPair(ctx, by, pr, kind, text); err != nil {
		return r, err
	}
	return s.advance(ctx, r)
}

// queue records an open slot in the relay queue under its unique key; a
// slot queued already keeps its first entry (and its opening date).
func (s *Service) queue(ctx context.Context, elder, name, village string, areas []string, slot, seq int, role, kind, text string, out *Pair) (Relay, error) {
	now := s.Now()
	r := Relay{ID: pairID(elder, slot, seq), Elder: elder, ElderName: name, Village: village, Areas: areas, County: countyOf(village),
		Slot: slot, Seq: seq, Role: role, Reason: kind, ReasonText: text, OpenedAt: now, OpenedDate: clock.Today(now), Status: RelayOpen, Version: 1}
	if out != nil {
		r.Outgoing, r.OutgoingVolunteer = out.ID, out.Volunteer
	}
	err := s.Store.InsertRelay(ctx, r)
	if isConflict(err) {
		return s.Store.Relay(ctx, r.ID)
	}
	if err != nil {
		return Relay{}, fmt.Errorf("pairing.queue: %w", err)
	}
	return r, nil
}

// advance proposes a successor for an open relay and, when the county
// confirms relays automatically, confirms it.
func (s *Service) advance(ctx context.Context, r Relay) (Relay, error) {
	if r.Status != RelayOpen {
		return r, nil
	}
	c, err := s.successor(ctx, r)
	switch {
	case errors.Is(err, errNoCandidate):
		r.Proposal, r.ProposalNote = nil, "暂无符合条件且有名额的志愿者, 请登记或指定志愿者"
	case err != nil:
		return r, err
	default:
		r.Proposal, r.ProposalNote = &c, ""
	}
	if err := s.Store.ReplaceRelay(ctx, &r); err != nil {
		return r, fmt.Errorf("pairing.advance: %w", err)
	}
	if r.Proposal == nil {
		return r, nil
	}
	st, err := s.settings(ctx, r.County)
	if err != nil || !st.AutoConfirmRelay {
		return r, err
	}
	if _, err := s.confirmRelay(ctx, system, r, RelayConfirmInput{Version: r.Version}, true); err != nil {
		if apperr.As(err) == nil {
			return r, err
		}
		return r, nil // stays in the queue for an organizer
	}
	return s.Store.Relay(ctx, r.ID)
}

// successor proposes a volunteer for a relay's slot alone, every other
// pair of the county fixed (rule P2), by solver.SolveOne: the cheapest
// fitting volunteer with capacity left, not on the elder already, not
// forbidden, and not the one who left.
func (s *Service) successor(ctx context.Context, r Relay) (Candidate, error) {
	e, err := s.Store.Elder(ctx, r.Elder)
	if err != nil {
		return Candidate{}, fmt.Errorf("pairing.successor: %w", err)
	}
	sc, err := s.loadScope(ctx, r.County)
	if err != nil {
		return Candidate{}, err
	}
	return sc.successor(&e, r)
}

func (sc *scope) successor(e *registry.Elder, r Relay) (Candidate, error) {
	N := len(sc.slots)
	if r.Slot >= N {
		return Candidate{}, apperr.New(apperr.Conflict, "该岗位已不在本县结对规则内, 无需接力")
	}
	V := len(sc.vols)
	prob := &solver.Problem{SlotElder: make([]int32, N), Capacity: make([]int32, V)}
	sol := &solver.Solution{Volunteer: make([]int32, N), SlotCost: make([]int64, N)}
	for k := range sol.Volunteer {
		sol.Volunteer[k] = -1
	}
	outside := make([]int32, V)
	for _, pr := range sc.active {
		vi, ok := sc.vidx[pr.Volunteer]
		if !ok {
			continue
		}
		if pr.Elder == e.ID && pr.Slot < N {
			sol.Volunteer[pr.Slot] = vi
		} else {
			outside[vi]++
		}
	}
	if vi, ok := sc.vidx[r.OutgoingVolunteer]; ok && sol.Volunteer[r.Slot] < 0 {
		sol.Volunteer[r.Slot] = vi
	}
	for vi := range sc.vols {
		if sc.ok[vi] {
			prob.Capacity[vi] = max(int32(sc.vols[vi].Capacity)-outside[vi], 0)
		}
		if prob.Capacity[vi] > 0 && fits(sc.slots[r.Slot], e, &sc.vols[vi]) {
			prob.Arcs = append(prob.Arcs, solver.Arc{Slot: int32(r.Slot), Volunteer: int32(vi), Cost: costOf(e, &sc.vols[vi], sc.set.Weights)})
		}
	}
	for _, vi := range sc.forbid[e.ID] {
		prob.Forbidden = append(prob.Forbidden, solver.Pair{Slot: int32(r.Slot), Volunteer: vi})
	}
	a, err := solver.SolveOne(prob, sol, int32(r.Slot))
	if errors.Is(err, solver.ErrNoCandidate) {
		return Candidate{}, errNoCandidate
	}
	if err != nil {
		return Candidate{}, fmt.Errorf("pairing.successor: %w", err)
	}
	v := &sc.vols[a.Volunteer]
	_, x := explain(e, v, sc.set.Weights)
	return Candidate{Volunteer: v.ID, VolunteerName: v.Name, Cost: a.Cost, Explanation: x}, nil
}

// closeRelay marks the relay that a new pair fills (same key) as filled.
func (s *Service) closeRelay(ctx context.Context, p Pair) error {
	for range 3 {
		r, err := s.Store.Relay(ctx, p.ID)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("pairing.closeRelay: %w", err)
		}
		if r.Status != RelayOpen {
			return nil
		}
		now := s.Now()
		r.Status, r.Successor, r.ClosedAt = RelayFilled, p.ID, &now
		if err := s.Store.ReplaceRelay(ctx, &r); !isConflict(err) {
			if err != nil {
				return fmt.Errorf("pairing.closeRelay: %w", err)
			}
			return nil
		}
	}
	return apperr.New(apperr.Conflict, "接力记录正被他人修改, 请重试")
}

func (s *Service) relayFor(ctx context.Context, p access.Principal, id string) (Relay, error) {
	if err := p.RequireOrganizer(); err != nil {
		return Relay{}, err
	}
	r, err := s.Store.Relay(ctx, id)
	if err != nil {
		if isNotFound(err) {
			return Relay{}, apperr.NotFoundf("接力记录不存在")
		}
		return Relay{}, err
	}
	if !p.Sees(r.Areas) {
		return Relay{}, apperr.NotFoundf("接力记录不存在")
	}
	return r, nil
}

// ListRelays lists the relay queue in p's subtree (status "open" unless given).
func (s *Service) ListRelays(ctx context.Context, p access.Principal, area, status string, order page.Order, pg page.Params) ([]Relay, int, error) {
	if err := p.RequireOrganizer(); err != nil {
		return nil, 0, err
	}
	a, err := regionFor(p, area, "area")
	if err != nil {
		return nil, 0, err
	}
	switch status {
	case "":
		status = RelayOpen
	case RelayOpen, RelayFilled, RelayCancelled, "all":
	default:
		return nil, 0, apperr.Field("status", "状态应为 open、filled、cancelled 或 all")
	}
	if status == "all" {
		status = ""
	}
	rs, n, err := s.Store.RelayPage(ctx, RelayFilter{Area: a, Status: status, Order: order}, pg)
	if err != nil {
		return nil, 0, fmt.Errorf("pairing.ListRelays: %w", err)
	}
	return rs, n, nil
}

// GetRelay returns one relay entry.
func (s *Service) GetRelay(ctx context.Context, p access.Principal, id string) (Relay, error) {
	return s.relayFor(ctx, p, id)
}

// ProposeRelay proposes (again) a successor for an open relay.
func (s *Service) ProposeRelay(ctx context.Context, p access.Principal, id string) (Relay, error) {
	if err := p.RequireWriter(); err != nil {
		return Relay{}, err
	}
	r, err := s.relayFor(ctx, p, id)
	if err != nil {
		return Relay{}, err
	}
	if r.Status != RelayOpen {
		return Relay{}, apperr.New(apperr.Conflict, "该接力已经结束")
	}
	c, err := s.successor(ctx, r)
	switch {
	case errors.Is(err, errNoCandidate):
		r.Proposal, r.ProposalNote = nil, "暂无符合条件且有名额的志愿者, 请登记或指定志愿者"
	case err != nil:
		return Relay{}, err
	default:
		r.Proposal, r.ProposalNote = &c, ""
	}
	if err := s.Store.ReplaceRelay(ctx, &r); err != nil {
		return Relay{}, fmt.Errorf("pairing.ProposeRelay: %w", err)
	}
	return r, nil
}

// RelayConfirmInput confirms a relay's successor: the proposed one, or
// another volunteer with a reason; the outgoing volunteer's notes may be
// completed, and a joint first visit planned.
type RelayConfirmInput struct {
	Volunteer  string `json:"volunteer,omitempty" validate:"max=64"`
	Reason     string `json:"reason,omitempty" validate:"max=500"`
	Notes      Notes  `json:"notes"`
	JointVisit string `json:"jointVisit,omitempty" validate:"omitempty,datetime=2006-01-02"`
	Version    int    `json:"version" validate:"required"`
}

// ConfirmRelay confirms a successor (rule P2): the new pair takes the
// slot, a handover record carries the outgoing volunteer's notes, and the
// successor is texted.
func (s *Service) ConfirmRelay(ctx context.Context, p access.Principal, id string, in RelayConfirmInput) (Handover, error) {
	if err := valid.Struct(in); err != nil {
		return Handover{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Handover{}, err
	}
	r, err := s.relayFor(ctx, p, id)
	if err != nil {
		return Handover{}, err
	}
	return s.confirmRelay(ctx, p, r, in, false)
}

func (s *Service) confirmRelay(ctx context.Context, p access.Principal, r Relay, in RelayConfirmInput, auto bool) (Handover, error) {
	if r.Status != RelayOpen {
		return Handover{}, apperr.New(apperr.Conflict, "该接力已经结束")
	}
	if r.Version != in.Version {
		return Handover{}, apperr.New(apperr.Conflict, "接力记录已被他人修改, 请刷新后重试")
	}
	if in.JointVisit != "" {
		if d, err := clock.ParseDate(in.JointVisit); err != nil || d.Before(s.Now().AddDate(0, 0, -1)) {
			return Handover{}, apperr.Field("jointVisit", "联合探访日期不能早于今天")
		}
	}
	e, err := s.Store.Elder(ctx, r.Elder)
	if err != nil {
		return Handover{}, fmt.Errorf("pairing.confirmRelay: %w", err)
	}
	vol, reason := in.Volunteer, strings.TrimSpace(in.Reason)
	if vol == "" {
		if r.Proposal == nil {
			return Handover{}, apperr.Field("volunteer", "暂无建议的接替志愿者, 请指定一名志愿者")
		}
		vol = r.Proposal.Volunteer
	} else if (r.Proposal == nil || vol != r.Proposal.Volunteer) && len([]rune(reason)) < 2 {
		return Handover{}, apperr.Field("reason", "指定其他志愿者接替时请填写原因")
	}
	v, _, x, err := s.checkVolunteer(ctx, &e, r.Slot, vol)
	if err != nil {
		return Handover{}, err
	}
	var out Pair
	if r.Outgoing != "" {
		if out, err = s.Store.Pair(ctx, r.Outgoing); err != nil && !isNotFound(err) {
			return Handover{}, fmt.Errorf("pairing.confirmRelay: %w", err)
		}
		if out.Status == PairActive {
			if err := s.endPair(ctx, p, out, r.Reason, r.ReasonText); err != nil {
				return Handover{}, err
			}
		}
	}
	src := "relay"
	if reason != "" {
		src = "override"
	}
	pair, _, err := s.createPair(ctx, p, newPair{elder: &e, slot: r.Slot, role: r.Role, vol: &v, source: src, sourceID: r.ID, reason: reason, x: x, seq: r.Seq})
	if err != nil {
		return Handover{}, err
	}
	notes := out.Notes
	if in.Notes.Preferences != "" {
		notes.Preferences = in.Notes.Preferences
	}
	if in.Notes.Risks != "" {
		notes.Risks = in.Notes.Risks
	}
	if in.Notes.WhatWorked != "" {
		notes.WhatWorked = in.Notes.WhatWorked
	}
	h := Handover{ID: r.ID, Elder: e.ID, ElderName: e.Name, Village: e.Village, Areas: e.Areas, Slot: r.Slot,
		From: out.Volunteer, FromName: out.VolunteerName, FromPair: out.ID, To: v.ID, ToName: v.Name, ToPair: pair.ID,
		People: []string{v.ID}, Notes: notes, JointVisit: in.JointVisit, Auto: auto, By: p.ID, ByName: p.Name, At: s.Now()}
	if out.Volunteer != "" {
		h.People = append(h.People, out.Volunteer)
	}
	if err := s.Store.InsertHandover(ctx, h); err != nil {
		if !isConflict(err) {
			return Handover{}, fmt.Errorf("pairing.confirmRelay: %w", err)
		}
		if h, err = s.Store.Handover(ctx, r.ID); err != nil {
			return Handover{}, fmt.Errorf("pairing.confirmRelay: %w", err)
		}
	}
	if err := s.closeRelay(ctx, pair); err != nil {
		return h, err
	}
	return h, s.notifyPair(ctx, pair, &e, &v, &h)
}

// ListHandovers lists handovers: an organizer's subtree, or a volunteer's
// own (as successor or outgoing).
func (s *Service) ListHandovers(ctx context.Context, p access.Principal, area string, pg page.Params) ([]Handover, int, error) {
	var hs []Handover
	var n int
	var err error
	switch p.Kind {
	case access.KindOrganizer:
		a, aerr := regionFor(p, area, "area")
		if aerr != nil {
			return nil, 0, aerr
		}
		hs, n, err = s.Store.Handovers(ctx, a, "", pg)
	case access.KindVolunteer:
		hs, n, err = s.Store.Handovers(ctx, "", p.ID, pg)
	default:
		return nil, 0, apperr.ErrForbidden
	}
	if err != nil {
		return nil, 0, fmt.Errorf("pairing.ListHandovers: %w", err)
	}
	return hs, n, nil
}

// GetHandover returns one handover to an organizer over the elder or a
// volunteer it names.
func (s *Service) GetHandover(ctx context.Context, p access.Principal, id string) (Handover, error) {
	h, err := s.Store.Handover(ctx, id)
	if err != nil {
		if isNotFound(err) {
			return Handover{}, apperr.NotFoundf("交接记录不存在")
		}
		return Handover{}, err
	}
	if !p.Sees(h.Areas) && !(p.Kind == access.KindVolunteer && (p.ID == h.To || p.ID == h.From)) {
		return Handover{}, apperr.NotFoundf("交接记录不存在")
	}
	return h, nil
}
