package pairing

import (
	"context"
	"errors"
	"fmt"

	"jinhui/services/access"
	"jinhui/services/registry"
)

// byOf is who made the last status change of a record.
func byOf(h []registry.StatusChange) access.Principal {
	if len(h) == 0 {
		return system
	}
	last := h[len(h)-1]
	return access.Principal{Kind: access.KindOrganizer, ID: last.By, Name: last.ByName}
}

// VolunteerStatusChanged is the registry's hook on a volunteer's status
// (rule P2): a paused or departed volunteer's slots open and their elders
// enter the relay queue.
func (s *Service) VolunteerStatusChanged(ctx context.Context, v registry.Volunteer) error {
	kind := ""
	switch v.Status {
	case registry.VolPaused:
		kind = ReasonVolunteerPaused
	case registry.VolLeft:
		kind = ReasonVolunteerLeft
	default:
		return nil
	}
	ps, err := s.Store.Pairs(ctx, PairFilter{Volunteer: v.ID, Status: PairActive})
	if err != nil {
		return fmt.Errorf("pairing.VolunteerStatusChanged: %w", err)
	}
	text := ReasonName[kind]
	if len(v.History) > 0 && v.History[len(v.History)-1].Reason != "" {
		text += ": " + v.History[len(v.History)-1].Reason
	}
	var errs []error
	for _, p := range ps {
		if _, err := s.openSlot(ctx, byOf(v.History), p, kind, text); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// closing are the elder statuses that end the elder's pairs (rule E3);
// a hospitalised elder keeps them.
var closing = map[string]bool{registry.StatusDeceased: true, registry.StatusLeft: true, registry.StatusMoved: true, registry.StatusCentralised: true}

// ElderStatusChanged is the registry's hook on an elder's status: leaving
// the programme (deceased, left, moved, centralised) ends the elder's pairs
// and withdraws them from the relay queue; coming back queues the open slots.
func (s *Service) ElderStatusChanged(ctx context.Context, e registry.Elder) error {
	by := byOf(e.History)
	switch {
	case closing[e.Status]:
		ps, err := s.Store.Pairs(ctx, PairFilter{Elder: e.ID, Status: PairActive})
		if err != nil {
			return fmt.Errorf("pairing.ElderStatusChanged: %w", err)
		}
		for _, p := range ps {
			if err := s.endPair(ctx, by, p, ReasonElderStatus, "老人"+registry.StatusName[e.Status]); err != nil {
				return err
			}
		}
		rs, err := s.Store.Relays(ctx, RelayFilter{Elder: e.ID, Status: RelayOpen})
		if err != nil {
			return fmt.Errorf("pairing.ElderStatusChanged: %w", err)
		}
		for _, r := range rs {
			now := s.Now()
			r.Status, r.ClosedAt, r.ProposalNote = RelayCancelled, &now, "老人"+registry.StatusName[e.Status]
			if err := s.Store.ReplaceRelay(ctx, &r); err != nil && !isConflict(err) {
				return fmt.Errorf("pairing.ElderStatusChanged: %w", err)
			}
		}
	case e.Status == registry.StatusActive:
		_, err := s.queueOpenSlots(ctx, e, ReasonElderStatus, "老人恢复在册")
		return err
	}
	return nil
}
