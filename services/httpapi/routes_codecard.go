package httpapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"jinhui/services/access"
	"jinhui/services/codecard"
)

// codecardRoutes are the visit code card routes: organizers make, reprint,
// revoke and print cards; the assigned volunteer checks a month's code.
func (s *Server) codecardRoutes() []route {
	if s.Cards == nil {
		return nil
	}
	return []route{
		{method: "GET", path: "/api/codecards", tag: "codecards", summary: "所选老人(最多 100 位, 逗号分隔)的探访码卡状态(不含验证码)", who: access.Staff, query: []string{"elders"}, h: s.codeCardStatuses},
		{method: "GET", path: "/api/elders/:id/codecard", tag: "codecards", summary: "老人的探访码卡(不含验证码)", who: access.Staff, resp: codecard.Card{}, h: s.getCodeCard},
		{method: "POST", path: "/api/elders/:id/codecard", tag: "codecards", summary: "制作或重新制作探访码卡(12 个月, 每月一个验证码; 重新制作须说明原因, 旧卡作废)", who: access.Writer, body: codecard.IssueInput{}, resp: codecard.Card{}, h: s.issueCodeCard},
		{method: "POST", path: "/api/elders/:id/codecard/revoke", tag: "codecards", summary: "作废探访码卡(须说明原因)", who: access.Writer, body: codecard.RevokeInput{}, resp: codecard.Card{}, h: s.revokeCodeCard},
		{method: "POST", path: "/api/codecards/print", tag: "codecards", summary: "打印探访码卡(A4, 每页 4 张, 大号数字; 记入审计日志)", who: access.Writer, body: codecard.PrintInput{}, binary: "text/html", h: s.printCodeCards},
		{method: "GET", path: "/api/visits/:id/codecard", tag: "codecards", summary: "离线核对探访码所需的数据(加盐慢哈希, 不含验证码)", who: access.Volunteer, resp: codecard.Offline{}, h: s.offlineCodeCard},
		{method: "POST", path: "/api/visits/:id/codecard", tag: "codecards", summary: "在线核对老人卡片上的本月探访码(错 3 次提交督导核查)", who: access.Volunteer, body: codecard.TryInput{}, resp: codecard.TryResult{}, h: s.tryCodeCard},
	}
}

func (s *Server) codeCardStatuses(c *fiber.Ctx) error {
	var ids []string
	for _, id := range strings.Split(c.Query("elders"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	cards, err := s.Cards.Statuses(c.UserContext(), principal(c), ids)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": cards, "total": len(cards)})
}

func (s *Server) getCodeCard(c *fiber.Ctx) error {
	card, err := s.Cards.Get(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(card)
}

func (s *Server) issueCodeCard(c *fiber.Ctx) error {
	var in codecard.IssueInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	card, err := s.Cards.Issue(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(card)
}

func (s *Server) revokeCodeCard(c *fiber.Ctx) error {
	var in codecard.RevokeInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	card, err := s.Cards.Revoke(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(card)
}

func (s *Server) printCodeCards(c *fiber.Ctx) error {
	var in codecard.PrintInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	cards, err := s.Cards.Print(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	page, err := codecard.Sheet(cards)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, "text/html; charset=utf-8")
	return c.Send(page)
}

func (s *Server) offlineCodeCard(c *fiber.Ctx) error {
	o, err := s.Cards.OfflineCheck(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(o)
}

func (s *Server) tryCodeCard(c *fiber.Ctx) error {
	var in codecard.TryInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	r, err := s.Cards.Try(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}
