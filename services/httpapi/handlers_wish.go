package httpapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"jinhui/services/wish"
	"jinhui/shared/page"
)

func (s *Server) wishFigures(c *fiber.Ctx) error {
	rows, err := s.Wishes.FiguresFor(c.UserContext(), principal(c), c.Query("area"), c.Query("from"), c.Query("to"))
	if err != nil {
		return err
	}
	return c.JSON(listResp[wish.FigureRow]{Items: rows, Total: len(rows)})
}

func (s *Server) listWishes(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := page.ParseOrder(c.Query("sort"), c.Query("order"), wish.Sorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Wishes.List(c.UserContext(), principal(c), wish.Filter{Area: c.Query("area"), Status: split(c.Query("status")), Order: ord, Offset: off, Limit: lim})
	if err != nil {
		return err
	}
	return c.JSON(listResp[wish.Wish]{Items: items, Total: total})
}

func (s *Server) recordWish(c *fiber.Ctx) error {
	var in wish.Input
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	w, err := s.Wishes.Record(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(w)
}

func (s *Server) getWish(c *fiber.Ctx) error {
	w, err := s.Wishes.Get(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(w)
}

func (s *Server) approveWish(c *fiber.Ctx) error {
	var in wish.Decision
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	w, err := s.Wishes.Approve(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

func (s *Server) rejectWish(c *fiber.Ctx) error {
	var in wish.Decision
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	w, err := s.Wishes.Reject(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

func (s *Server) publicWishes(c *fiber.Ctx) error {
	if err := s.Wishes.AllowPublic(c.UserContext(), clientIP(c)); err != nil {
		return err
	}
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	items, total, err := s.Wishes.Public(c.UserContext(), wish.PublicFilter{Area: c.Query("area"), Status: c.Query("status"), Offset: off, Limit: lim})
	if err != nil {
		return err
	}
	return c.JSON(listResp[wish.View]{Items: items, Total: total})
}

func (s *Server) publicWish(c *fiber.Ctx) error {
	v, err := s.Wishes.PublicWish(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) wishCode(c *fiber.Ctx) error {
	var in wish.CodeInput
	if err := s.decodePublic(c, &in); err != nil {
		return err
	}
	if err := s.Wishes.RequestCode(c.UserContext(), in, clientIP(c)); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"message": "验证码已发送"})
}

func (s *Server) claimWish(c *fiber.Ctx) error {
	var in wish.ClaimInput
	if err := s.decodePublic(c, &in); err != nil {
		return err
	}
	r, err := s.Wishes.Claim(c.UserContext(), strings.Clone(c.Params("id")), in, clientIP(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}
