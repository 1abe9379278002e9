package httpapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/dict"
	"jinhui/shared/page"
)

var errForbiddenRoot = apperr.New(apperr.Forbidden, "仅限最高一级管理员使用")

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func (s *Server) listRegions(c *fiber.Ctx) error {
	rs, err := s.Registry.Children(c.UserContext(), principal(c), c.Query("parent"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": rs})
}

func (s *Server) getRegion(c *fiber.Ctx) error {
	r, err := s.Registry.Region(c.UserContext(), principal(c), c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) setQuota(c *fiber.Ctx) error {
	var in quotaReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	r, err := s.Registry.SetElderQuota(c.UserContext(), principal(c), c.Params("code"), *in.Quota)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// dict serves the one dictionary of field labels and code names.
func (s *Server) dict(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(fiber.Map{"fields": dict.Fields, "codes": dict.Codes})
}

func (s *Server) setKeyVillage(c *fiber.Ctx) error {
	var in registry.KeyVillageInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	r, err := s.Registry.SetKeyVillage(c.UserContext(), principal(c), c.Params("code"), in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) listElders(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := page.ParseOrder(c.Query("sort"), c.Query("order"), registry.ElderSorts...)
	if err != nil {
		return err
	}
	f := registry.Filter{Area: c.Query("area"), Status: split(c.Query("status")), Stage: split(c.Query("stage")), Name: c.Query("name"), Order: ord, Offset: off, Limit: lim}
	pg, err := s.Registry.ListElders(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	return c.JSON(pg)
}

func (s *Server) proposeElder(c *fiber.Ctx) error {
	var in registry.ElderInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	e, err := s.Registry.ProposeElder(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e.Masked())
}

func (s *Server) getElder(c *fiber.Ctx) error {
	e, err := s.Registry.Elder(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (s *Server) updateElder(c *fiber.Ctx) error {
	var in elderUpdate
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	e, err := s.Registry.UpdateElder(c.UserContext(), principal(c), c.Params("id"), in.Version, in.ElderInput)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (s *Server) revealElder(c *fiber.Ctx) error {
	m, err := s.Registry.RevealElder(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *Server) elderStatus(c *fiber.Ctx) error {
	var in registry.StatusInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	e, err := s.Registry.ChangeElderStatus(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (s *Server) overrideEligibility(c *fiber.Ctx) error {
	var in registry.OverrideInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	e, err := s.Registry.OverrideEligibility(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (s *Server) intake(c *fiber.Ctx, step string) error {
	var in registry.IntakeInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	ctx, p, id := c.UserContext(), principal(c), c.Params("id")
	var e registry.Elder
	var err error
	switch step {
	case "approve":
		e, err = s.Registry.ApproveElder(ctx, p, id, in)
	case "reject":
		e, err = s.Registry.RejectElder(ctx, p, id, in)
	default:
		e, err = s.Registry.ConfirmElder(ctx, p, id, in)
	}
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (s *Server) approveElder(c *fiber.Ctx) error { return s.intake(c, "approve") }
func (s *Server) rejectElder(c *fiber.Ctx) error  { return s.intake(c, "reject") }
func (s *Server) confirmElder(c *fiber.Ctx) error { return s.intake(c, "confirm") }

func (s *Server) intakeQueue(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := page.ParseOrder(c.Query("sort"), c.Query("order"), registry.ElderSorts...)
	if err != nil {
		return err
	}
	pg, err := s.Registry.IntakeQueue(c.UserContext(), principal(c), ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(pg)
}

func (s *Server) listVolunteers(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := page.ParseOrder(c.Query("sort"), c.Query("order"), registry.VolunteerSorts...)
	if err != nil {
		return err
	}
	f := registry.Filter{Area: c.Query("area"), Status: split(c.Query("status")), Type: c.Query("type"), Name: c.Query("name"), Order: ord, Offset: off, Limit: lim}
	pg, err := s.Registry.ListVolunteers(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	return c.JSON(pg)
}

func (s *Server) createVolunteer(c *fiber.Ctx) error {
	var in registry.VolunteerInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	v, err := s.Registry.CreateVolunteer(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (s *Server) getVolunteer(c *fiber.Ctx) error {
	v, err := s.Registry.Volunteer(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) updateVolunteer(c *fiber.Ctx) error {
	var in volunteerUpdate
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	v, err := s.Registry.UpdateVolunteer(c.UserContext(), principal(c), c.Params("id"), in.Version, in.VolunteerInput)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) volunteerStatus(c *fiber.Ctx) error {
	var in registry.StatusInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	v, err := s.Registry.ChangeVolunteerStatus(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) revealVolunteer(c *fiber.Ctx) error {
	m, err := s.Registry.RevealVolunteer(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *Server) listCarers(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := page.ParseOrder(c.Query("sort"), c.Query("order"), registry.CarerSorts...)
	if err != nil {
		return err
	}
	pg, err := s.Registry.ListCarers(c.UserContext(), principal(c), registry.Filter{Order: ord, Offset: off, Limit: lim})
	if err != nil {
		return err
	}
	return c.JSON(pg)
}

func (s *Server) createCarer(c *fiber.Ctx) error {
	var in registry.CarerInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	cr, err := s.Registry.CreateCarer(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(cr)
}

func (s *Server) getCarer(c *fiber.Ctx) error {
	cr, err := s.Registry.CarerFor(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(cr)
}
