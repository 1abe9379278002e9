package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"jinhui/services/supervise"
	"jinhui/shared/page"
)

func (s *Server) newDraw(c *fiber.Ctx) error {
	var in supervise.DrawInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	d, err := s.Supervise.NewDraw(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(d)
}

func (s *Server) listDraws(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, supervise.DrawSorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Supervise.ListDraws(c.UserContext(), principal(c), c.Query("area"), c.Query("month"), ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) getDraw(c *fiber.Ctx) error {
	d, err := s.Supervise.GetDraw(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) listCheckTasks(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := page.ParseOrder(c.Query("sort"), c.Query("order"), supervise.TaskSorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Supervise.ListTasks(c.UserContext(), principal(c), supervise.TaskFilter{Area: c.Query("area"), Month: c.Query("month"),
		Draw: c.Query("draw"), Status: c.Query("status"), Assignee: c.Query("assignee"), Order: ord, Offset: off, Limit: lim})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) getCheckTask(c *fiber.Ctx) error {
	t, err := s.Supervise.GetTask(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (s *Server) assignCheckTask(c *fiber.Ctx) error {
	var in supervise.AssignInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	t, err := s.Supervise.Assign(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (s *Server) checkResult(c *fiber.Ctx) error {
	var in supervise.ResultInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	t, err := s.Supervise.RecordResult(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (s *Server) listProblems(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := page.ParseOrder(c.Query("sort"), c.Query("order"), supervise.ProblemSorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Supervise.ListProblems(c.UserContext(), principal(c), c.Query("area"), c.Query("status"), false, ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) overdueProblems(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := page.ParseOrder(c.Query("sort"), c.Query("order"), supervise.ProblemSorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Supervise.ListProblems(c.UserContext(), principal(c), c.Query("area"), "", true, ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) newProblem(c *fiber.Ctx) error {
	var in supervise.ProblemInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	p, err := s.Supervise.NewProblem(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (s *Server) getProblem(c *fiber.Ctx) error {
	p, err := s.Supervise.GetProblem(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) rectifyProblem(c *fiber.Ctx) error {
	var in supervise.RectifyInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	p, err := s.Supervise.Rectify(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) recheckProblem(c *fiber.Ctx) error {
	var in supervise.RecheckInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	p, err := s.Supervise.Recheck(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) superviseAlerts(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, supervise.AlertSorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Supervise.Alerts(c.UserContext(), principal(c), ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) newSupReport(c *fiber.Ctx) error {
	var in supervise.ReportInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	r, err := s.Supervise.NewReport(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (s *Server) listSupReports(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, supervise.ReportSorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Supervise.ListReports(c.UserContext(), principal(c), c.Query("area"), c.Query("month"), ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) getSupReport(c *fiber.Ctx) error {
	r, err := s.Supervise.GetReport(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) exportSupReport(c *fiber.Ctx) error {
	r, err := s.Supervise.GetReport(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	b, err := supervise.XLSX(r)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="report-`+r.Month+`.xlsx"; filename*=UTF-8''%E6%9C%88%E5%BA%A6%E9%80%9A%E6%8A%A5-`+r.Month+`.xlsx`)
	return c.Send(b)
}
