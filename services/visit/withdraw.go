package visit

import (
	"context"
	"fmt"
	"slices"

	"jinhui/services/access"
)

// Withdraw takes a volunteer who paused or left out of their open visits
// (rule P2): each planned or offered visit assigned to them is offered to
// their partners on the elder (who are texted and may take it, as after a
// give-back), with no partner it waits for the relay's successor; on the
// partners' visits they are no longer a partner. They no longer see any
// of these visits. Visits already checked in or done are left as they are.
func (s *Service) Withdraw(ctx context.Context, by access.Principal, volunteer, reason string) error {
	vs, _, err := s.Store.Visits(ctx, Filter{Volunteer: volunteer, Status: []string{StatusPlanned, StatusOffered, StatusMissed}, Limit: 1000})
	if err != nil {
		return fmt.Errorf("visit.Withdraw: %w", err)
	}
	for _, v := range vs {
		v.People = slices.DeleteFunc(v.People, func(id string) bool { return id == volunteer })
		v.Partners = slices.DeleteFunc(v.Partners, func(q Partner) bool { return q.ID == volunteer })
		mine := v.Volunteer == volunteer
		if mine {
			s.change(&v, by, "withdraw", volunteer, "", reason)
			v.Status = StatusOffered
		} else {
			v.UpdatedAt = s.Now()
		}
		if err := s.Store.ReplaceVisit(ctx, &v); err != nil {
			return fmt.Errorf("visit.Withdraw: %w", err)
		}
		if mine {
			if err := s.Store.SkipReminders(ctx, v.ID); err != nil {
				return fmt.Errorf("visit.Withdraw: %w", err)
			}
			s.offer(ctx, v, "withdraw:"+fmt.Sprint(len(v.Changes)))
		}
	}
	return nil
}
