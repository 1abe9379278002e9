package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"jinhui/services/access"
	"jinhui/services/jobs"
	"jinhui/shared/apperr"
)

// jobRoutes report the console's long operations run in the background
// (issue 14): POST /api/ledger/rebuild and POST /api/visits/plan with
// ?background=1 start them.
func (s *Server) jobRoutes() []route {
	return []route{
		{method: "GET", path: "/api/jobs/:id", tag: "jobs", summary: "后台任务的状态与进度(已完成 N/M、结果或失败原因)", who: access.Staff, resp: jobs.Job{}, h: s.getJob},
	}
}

// background reports whether the request asks for a background job.
func background(c *fiber.Ctx) (bool, error) {
	switch c.Query("background") {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, apperr.Field("background", "background 应为 1 或 0")
}

// startJob starts a job and answers 202 with it (or with the run of the
// same kind and scope already going).
func (s *Server) startJob(c *fiber.Ctx, in jobs.Input) error {
	j, _, err := s.Jobs.Start(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(j)
}

func (s *Server) getJob(c *fiber.Ctx) error {
	j, err := s.Jobs.Get(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(j)
}
