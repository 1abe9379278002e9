package httpapi

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"jinhui/services/auth"
)

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 200 only when every dependency answers.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	out := fiber.Map{}
	ok := true
	for name, check := range s.Ready {
		if err := check(ctx); err != nil {
			out[name] = "unavailable"
			ok = false
		} else {
			out[name] = "ok"
		}
	}
	if !ok {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "checks": out})
	}
	return c.JSON(fiber.Map{"status": "ok", "checks": out})
}

func (s *Server) login(c *fiber.Ctx) error {
	var in loginReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	tok, p, err := s.Auth.Login(c.UserContext(), strings.ToLower(strings.TrimSpace(in.Username)), in.Password)
	if err != nil {
		return err
	}
	return c.JSON(tokenResp{Token: tok, Principal: p})
}

func (s *Server) requestCode(c *fiber.Ctx) error {
	var in codeReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	if err := s.Auth.RequestCode(c.UserContext(), in.Phone); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"message": "如该号码已登记, 验证码已发送"})
}

func (s *Server) verifyCode(c *fiber.Ctx) error {
	var in verifyReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	tok, p, err := s.Auth.VerifyCode(c.UserContext(), in.Phone, in.Code, in.Kind)
	if err != nil {
		return err
	}
	return c.JSON(tokenResp{Token: tok, Principal: p})
}

func (s *Server) logout(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 {
		_ = s.Auth.Logout(c.UserContext(), h[7:])
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error { return c.JSON(principal(c)) }

func (s *Server) listAccounts(c *fiber.Ctx) error {
	off, lim := paging(c)
	items, total, err := s.Auth.ListAccounts(c.UserContext(), principal(c), off, lim)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) createAccount(c *fiber.Ctx) error {
	if err := principal(c).RequireAdmin(); err != nil {
		return err
	}
	var in auth.AccountInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	a, err := s.Auth.CreateAccount(ctx, principal(c), in, func(code string) bool {
		_, err := s.Registry.Store.Region(ctx, code)
		return err == nil
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

func (s *Server) disableAccount(c *fiber.Ctx) error {
	var in disableReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	a, err := s.Auth.SetDisabled(c.UserContext(), principal(c), c.Params("id"), in.Disabled)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (s *Server) auditLog(c *fiber.Ctx) error {
	p := principal(c)
	if err := p.RequireAdmin(); err != nil {
		return err
	}
	off, lim := paging(c)
	items, total, err := s.Audit.AuditLog(c.UserContext(), p.Region, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

// listMessages shows the SMS log to admins of the whole deployment (the
// province or county root), masked.
func (s *Server) listMessages(c *fiber.Ctx) error {
	if err := s.rootAdmin(c); err != nil {
		return err
	}
	off, lim := paging(c)
	items, total, err := s.Messages.Messages(c.UserContext(), c.Query("status"), off, lim)
	if err != nil {
		return err
	}
	for i := range items {
		items[i] = items[i].Masked()
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}
