package httpapi

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"jinhui/services/audit"
	"jinhui/services/auth"
	"jinhui/services/notify"
	"jinhui/services/registry"
	"jinhui/shared/page"
)

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 200 only when every dependency answers.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	out, ok := RunChecks(ctx, s.Ready)
	if !ok {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "checks": out})
	}
	return c.JSON(fiber.Map{"status": "ok", "checks": out})
}

// NotReady is a readiness failure whose text an operator may read (the
// indexes a migrate step must build); other failures show as unavailable.
type NotReady string

func (e NotReady) Error() string { return string(e) }

// RunChecks runs every readiness check: each one's "ok", "unavailable" or
// NotReady text, and whether all passed.
func RunChecks(ctx context.Context, checks map[string]Checker) (map[string]string, bool) {
	out := map[string]string{}
	ok := true
	for name, check := range checks {
		err := check(ctx)
		var nr NotReady
		switch {
		case err == nil:
			out[name] = "ok"
		case errors.As(err, &nr):
			out[name], ok = string(nr), false
		default:
			out[name], ok = "unavailable", false
		}
	}
	return out, ok
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
	// The cookie serves only the queue dashboard (path /admin, HttpOnly);
	// the API itself takes the token from the Authorization header.
	s.setSessionCookie(c, tok, s.Auth.TTL)
	noStore(c)
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
	return c.JSON(fiber.Map{"message": "如该号码已登记, 验证码已发送", "hint": codeHint})
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
	noStore(c)
	return c.JSON(tokenResp{Token: tok, Principal: p})
}

func (s *Server) logout(c *fiber.Ctx) error {
	if tok := bearer(c); tok != "" {
		_ = s.Auth.Logout(c.UserContext(), tok)
	}
	s.setSessionCookie(c, "", 0)
	return c.SendStatus(fiber.StatusNoContent)
}

type unlockResp struct {
	// LockedSeconds is how long the lock still had to run (0: there was none).
	LockedSeconds int    `json:"lockedSeconds"`
	Message       string `json:"message"`
}

// unlockCodes lifts the lock of a volunteer's or carer's one-time codes
// (finding 1's way back without SMS), for an organizer over them; audited.
func (s *Server) unlockCodes(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		left, err := s.Auth.UnlockCodes(c.UserContext(), principal(c), kind, c.Params("id"))
		if err != nil {
			return err
		}
		msg := "该手机号的验证码未被锁定"
		if left > 0 {
			msg = "已解除验证码锁定, 可重新获取验证码登录"
		}
		return c.JSON(unlockResp{LockedSeconds: int(left.Seconds()), Message: msg})
	}
}

func (s *Server) me(c *fiber.Ctx) error { return c.JSON(principal(c)) }

func (s *Server) listAccounts(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := page.ParseOrder(c.Query("sort"), c.Query("order"), auth.AccountSorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Auth.ListAccounts(c.UserContext(), principal(c), ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) createAccount(c *fiber.Ctx) error {
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
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, audit.Sorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Audit.AuditLog(c.UserContext(), p.Region, ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

// listMessages shows the SMS log to admins of the whole deployment (the
// province or county root), masked.
func (s *Server) listMessages(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, notify.MessageSorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Messages.MessagePage(c.UserContext(), c.Query("status"), ord, off, lim)
	if err != nil {
		return err
	}
	for i := range items {
		items[i] = items[i].Masked()
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) carerStatus(c *fiber.Ctx) error {
	var in registry.StatusInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	cr, err := s.Registry.ChangeCarerStatus(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(cr)
}

// metrics serves the Prometheus metrics to the top-level admin (a scraper
// without a session uses JINHUI_METRICS_ADDR instead).
func (s *Server) metrics(c *fiber.Ctx) error {
	return adaptor.HTTPHandler(s.Metrics.Handler())(c)
}
