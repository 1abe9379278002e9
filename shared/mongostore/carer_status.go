package mongostore

import (
	"context"

	"jinhui/services/registry"
)

// ReplaceCarer stores a changed carer if its version is still the one
// read (Conflict otherwise) and bumps the version.
func (s *Store) ReplaceCarer(ctx context.Context, c *registry.Carer) error {
	c.Version++
	if err := s.replaceVersioned(ctx, s.DB.Collection(colCarers), c.ID, c.Version-1, c); err != nil {
		c.Version--
		return err
	}
	return nil
}
