// Package access says who is calling and what they may reach: the
// principal of a request (organizer, volunteer or carer) and the checks of
// role and region that every service applies. It has no dependencies, so
// every domain package can use it without pulling in Redis or argon2.
package access

import (
	"slices"

	"jinhui/shared/apperr"
	"jinhui/shared/area"
)

// Kinds of principal.
const (
	KindOrganizer = "organizer"
	KindVolunteer = "volunteer"
	KindCarer     = "carer"
)

// Roles of an organizer account.
const (
	RoleOrganizer  = "organizer"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// Principal is the authenticated caller of a request.
type Principal struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Name   string `json:"name"`
	Role   string `json:"role,omitempty"`
	Region string `json:"region,omitempty"`
	Level  int    `json:"level,omitempty"`
}

// IsOrganizer reports whether p is staff (organizer, supervisor or admin).
func (p Principal) IsOrganizer() bool { return Staff.Allows(p) }

// CanWrite reports whether p may change registers (rule Writer).
func (p Principal) CanWrite() bool { return Writer.Allows(p) }

// Sees reports whether an organizer's subtree contains a record with the
// given area codes (the record's village and its ancestors).
func (p Principal) Sees(areas []string) bool {
	return p.Kind == KindOrganizer && slices.Contains(areas, p.Region)
}

// RequireOrganizer returns Forbidden unless p is staff (rule Staff).
func (p Principal) RequireOrganizer() error { return Staff.Check(p) }

// RequireWriter returns Forbidden unless p may change registers (rule Writer).
func (p Principal) RequireWriter() error { return Writer.Check(p) }

// RequireAdmin returns Forbidden unless p is an admin (rule Admin).
func (p Principal) RequireAdmin() error { return Admin.Check(p) }

// RequireArea returns NotFound (not Forbidden, so that ids outside the
// subtree cannot be probed) unless p's subtree contains the record.
func (p Principal) RequireArea(areas []string, what string) error {
	if !p.Sees(areas) {
		return apperr.NotFoundf("%s不存在", what)
	}
	return nil
}

// Subtree returns the area a request names, which must lie in p's region:
// "" is p's own region; any other code is normalised (short codes padded)
// and must be p's region or below it, else an Invalid error names field.
func (p Principal) Subtree(code, field string) (string, error) {
	if code == "" {
		return p.Region, nil
	}
	c, err := area.NormalizeCode(code)
	if err != nil || !area.Within(c, p.Region) {
		return "", apperr.Field(field, "该区划不在您的管辖范围内")
	}
	return c, nil
}
