package httpapi

import (
	"jinhui/services/jobs"

	"github.com/gofiber/fiber/v2"

	"jinhui/services/notify"
	"jinhui/services/visit"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
)

func (s *Server) planVisits(c *fiber.Ctx) error {
	var in planReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	bg, err := background(c)
	if err != nil {
		return err
	}
	if bg {
		a, m, err := visit.PlanScope(principal(c), in.Area, in.Month)
		if err != nil {
			return err
		}
		return s.startJob(c, jobs.Input{Kind: jobs.KindVisitPlan, Area: a, Month: m.Format("2006-01")})
	}
	res, err := s.Visits.PlanFor(c.UserContext(), principal(c), in.Area, in.Month)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) listVisits(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	rv := c.Query("review")
	if rv != "" && rv != visit.ReviewPending && rv != visit.ReviewApproved && rv != visit.ReviewRejected {
		return apperr.Field("review", "审核状态应为 pending(待审核)、approved(已通过)或 rejected(未通过)")
	}
	ord, err := page.ParseOrder(c.Query("sort"), c.Query("order"), visit.Sorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Visits.List(c.UserContext(), principal(c), visit.Filter{Area: c.Query("area"), Month: c.Query("month"),
		Status: split(c.Query("status")), Elder: c.Query("elder"), Review: rv, Order: ord, Offset: off, Limit: lim})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) visitAlerts(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, visit.AlertSorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Visits.Alerts(c.UserContext(), principal(c), ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) visitSettings(c *fiber.Ctx) error {
	st, err := s.Visits.Settings(c.UserContext(), principal(c), c.Params("county"))
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) putVisitSettings(c *fiber.Ctx) error {
	var in visit.Settings
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	st, err := s.Visits.PutSettings(c.UserContext(), principal(c), c.Params("county"), in)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) mySchedule(c *fiber.Ctx) error {
	vs, partners, err := s.Visits.Schedule(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": vs, "partnerVisits": partners})
}

func (s *Server) getVisit(c *fiber.Ctx) error {
	v, err := s.Visits.VisitFor(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) checkIn(c *fiber.Ctx) error {
	var in visit.CheckInInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	v, err := s.Visits.CheckIn(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) checkOut(c *fiber.Ctx) error {
	var in visit.CheckOutInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	v, err := s.Visits.CheckOut(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) visitDate(c *fiber.Ctx) error {
	var in visit.DateInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	v, err := s.Visits.ProposeDate(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) visitSwap(c *fiber.Ctx) error {
	var in visit.SwapInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	v, err := s.Visits.Swap(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) visitGiveBack(c *fiber.Ctx) error {
	var in visit.ReasonInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	v, err := s.Visits.GiveBack(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) visitTake(c *fiber.Ctx) error {
	var in visit.ReasonInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	v, err := s.Visits.Take(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) listTemplates(c *fiber.Ctx) error {
	ts, err := s.SMS.ListTemplates(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ts})
}

func (s *Server) putTemplate(c *fiber.Ctx) error {
	var in templateReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	t, err := s.SMS.PutTemplate(c.UserContext(), c.Params("key"), in.Text, principal(c).Name)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (s *Server) listInbound(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, notify.InboundSorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Inbound.InboundMessages(c.UserContext(), ord, off, lim)
	if err != nil {
		return err
	}
	for i := range items {
		items[i].From = maskPhone(items[i].From)
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) reviewVisit(c *fiber.Ctx) error {
	var in visit.ReviewInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	v, err := s.Visits.ReviewVisit(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}
