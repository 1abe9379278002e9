package platform

import (
	"context"

	"jinhui/services/access"
	"jinhui/services/registry"
)

// personActive reads whether a volunteer or carer still serves, by _id
// (auth caches the answer in Redis and re-reads it on a miss).
func (p *Platform) personActive(ctx context.Context, kind, id string) (bool, error) {
	switch kind {
	case access.KindVolunteer:
		v, err := p.Store.Volunteer(ctx, id)
		return err == nil && v.Status == registry.VolActive, err
	case access.KindCarer:
		c, err := p.Store.Carer(ctx, id)
		return err == nil && c.Status == registry.VolActive, err
	}
	return false, nil
}

// lastBy is the organizer who made the last status change of a record.
func lastBy(h []registry.StatusChange) access.Principal {
	if len(h) == 0 {
		return access.Principal{Kind: access.KindOrganizer, ID: "system", Name: "系统"}
	}
	last := h[len(h)-1]
	return access.Principal{Kind: access.KindOrganizer, ID: last.By, Name: last.ByName}
}
