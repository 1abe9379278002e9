package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"jinhui/services/access"
	"jinhui/services/family"
)

// familyRoutes are the family circle's routes: organizers record an
// elder's family far away and their consent; the family's SMS replies and
// the area's figures.
func (s *Server) familyRoutes() []route {
	if s.Family == nil {
		return nil
	}
	return []route{
		{method: "GET", path: "/api/elders/:id/family", tag: "family", summary: "老人的外地家属及其同意情况(手机号脱敏)", who: access.Staff, resp: listResp[family.Member]{}, h: s.listFamily},
		{method: "POST", path: "/api/elders/:id/family", tag: "family", summary: "登记外地家属(姓名、关系、手机号); 征得同意前不发送任何短信", who: access.Writer, body: family.MemberInput{}, resp: family.Member{}, h: s.addFamily},
		{method: "POST", path: "/api/family/:id/consent", tag: "family", summary: "登记家属同意(签字同意书照片), 或发送短信征询同意(回复同意后生效); 单独记录同意范围", who: access.Writer, body: family.ConsentInput{}, resp: family.Member{}, h: s.familyConsent},
		{method: "POST", path: "/api/family/:id/withdraw", tag: "family", summary: "登记家属撤回同意(须说明原因), 不再发送", who: access.Writer, body: family.WithdrawInput{}, resp: family.Member{}, h: s.familyWithdraw},
		{method: "GET", path: "/api/family/replies", tag: "family", summary: "家属短信回复(确认探访、反映问题、同意、退订)", who: access.Staff, query: []string{"area", "sort", "order", "offset", "limit"}, resp: listResp[family.Reply]{}, h: s.familyReplies},
		{method: "GET", path: "/api/family/figures", tag: "family", summary: "各下级区划: 老人数、登记家属、家属已同意、回复与反映问题数", who: access.Staff, query: []string{"area"}, resp: listResp[family.FigureRow]{}, h: s.familyFigures},
		{method: "POST", path: "/api/family/summaries", tag: "family", summary: "立即向已同意的家属发送某月小结(每月 1 日自动发送; 同一月只发一次)", who: access.TopAdmin, body: summaryReq{}, h: s.familySummaries},
	}
}

type summaryReq struct {
	Month string `json:"month" validate:"required,datetime=2006-01"`
}

func (s *Server) listFamily(c *fiber.Ctx) error {
	ms, err := s.Family.List(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(listResp[family.Member]{Items: ms, Total: len(ms)})
}

func (s *Server) addFamily(c *fiber.Ctx) error {
	var in family.MemberInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	m, err := s.Family.Add(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (s *Server) familyConsent(c *fiber.Ctx) error {
	var in family.ConsentInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	m, err := s.Family.Consent(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *Server) familyWithdraw(c *fiber.Ctx) error {
	var in family.WithdrawInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	m, err := s.Family.Withdraw(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *Server) familyReplies(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, family.ReplySorts...)
	if err != nil {
		return err
	}
	rs, total, err := s.Family.Replies(c.UserContext(), principal(c), c.Query("area"), ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(listResp[family.Reply]{Items: rs, Total: total})
}

func (s *Server) familyFigures(c *fiber.Ctx) error {
	rows, err := s.Family.Figures(c.UserContext(), principal(c), c.Query("area"))
	if err != nil {
		return err
	}
	return c.JSON(listResp[family.FigureRow]{Items: rows, Total: len(rows)})
}

func (s *Server) familySummaries(c *fiber.Ctx) error {
	var in summaryReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	n, err := s.Family.MonthlySummaries(c.UserContext(), in.Month)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"month": in.Month, "sent": n})
}
