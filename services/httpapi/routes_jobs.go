package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"jinhui/services/access"
	"jinhui/services/jobs"
	"jinhui/services/visit"
)

// jobRoutes start the console's long operations as background jobs and
// report their progress (issue 14). The synchronous routes
// (POST /api/ledger/rebuild, POST /api/visits/plan) stay for scripts.
func (s *Server) jobRoutes() []route {
	return []route{
		{method: "POST", path: "/api/ledger/rebuild/jobs", tag: "jobs", summary: "后台重算全部统计: 返回任务, 进度见 GET /api/jobs/{id}(已有同类任务运行时返回该任务)", who: access.TopAdmin, resp: jobs.Job{}, status: fiber.StatusAccepted, h: s.startRebuildJob},
		{method: "POST", path: "/api/visits/plan/jobs", tag: "jobs", summary: "后台制定(补齐)某月探访计划(S1): 返回任务, 同一区域同一月份已有任务运行时返回该任务", who: access.Writer, body: planReq{}, resp: jobs.Job{}, status: fiber.StatusAccepted, h: s.startPlanJob},
		{method: "GET", path: "/api/jobs/:id", tag: "jobs", summary: "后台任务的状态与进度(已完成 N/M、结果或失败原因)", who: access.Staff, resp: jobs.Job{}, h: s.getJob},
	}
}

func (s *Server) startRebuildJob(c *fiber.Ctx) error {
	p := principal(c)
	j, _, err := s.Jobs.Start(c.UserContext(), p, jobs.Input{Kind: jobs.KindLedgerRebuild, Area: p.Region})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(j)
}

func (s *Server) startPlanJob(c *fiber.Ctx) error {
	var in planReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	p := principal(c)
	a, m, err := visit.PlanScope(p, in.Area, in.Month)
	if err != nil {
		return err
	}
	j, _, err := s.Jobs.Start(c.UserContext(), p, jobs.Input{Kind: jobs.KindVisitPlan, Area: a, Month: m.Format("2006-01")})
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
