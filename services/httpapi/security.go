package httpapi

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"

	"jinhui/services/access"
	"jinhui/services/auth"
)

// Size limits of request bodies: Fiber refuses anything beyond
// maxUploadBody before routing (413); a JSON body beyond maxJSONBody is
// refused by the route (413), so only uploads may be large.
const (
	maxUploadBody = 16 << 20
	maxJSONBody   = 1 << 20
)

// sessionCookie is the admin's session cookie. The server sets it on a
// password login (HttpOnly, SameSite=Strict, Secure over https) with path
// /admin, and accepts it only there (the queue dashboard, a plain page
// that cannot send a header); /api requires the Bearer token, so a page
// elsewhere cannot make the browser act on /api with the cookie (CSRF).
const sessionCookie = "jinhui_session"

// contentPolicy is the Content-Security-Policy of the pages: scripts,
// styles, images and connections from this origin only (inline styles are
// allowed for the hand-written pages), never framed.
const contentPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// dashboardPolicy is looser for the queue dashboard (asynqmon's page has
// an inline bootstrap script and pulls web fonts).
const dashboardPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline' https:; img-src 'self' data:; " +
	"font-src 'self' data: https:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"

// secureHeaders sets the headers every answer carries: nosniff, no
// framing, no referrer beyond the origin, and the page's CSP.
func (s *Server) secureHeaders() fiber.Handler {
	h := helmet.New(helmet.Config{
		ContentSecurityPolicy:     contentPolicy,
		ReferrerPolicy:            "same-origin",
		CrossOriginEmbedderPolicy: "unsafe-none", // photos and QR images are plain same-origin <img>
		CrossOriginResourcePolicy: "same-origin",
		HSTSMaxAge:                int((180 * 24 * time.Hour).Seconds()),
	})
	return func(c *fiber.Ctx) error {
		c.SetUserContext(auth.WithClient(c.UserContext(), c.IP()))
		err := h(c)
		if strings.HasPrefix(c.Path(), "/admin/queues") {
			c.Set(fiber.HeaderContentSecurityPolicy, dashboardPolicy)
		}
		return err
	}
}

// setSessionCookie sends the admin's session cookie with a login answer.
func (s *Server) setSessionCookie(c *fiber.Ctx, token string, ttl time.Duration) {
	ck := &fiber.Cookie{Name: sessionCookie, Value: token, Path: "/admin", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
		Secure: strings.HasPrefix(s.PublicURL, "https://")}
	if token == "" {
		ck.Expires, ck.MaxAge = time.Unix(1, 0), -1
	} else if ttl > 0 {
		ck.Expires = time.Now().Add(ttl)
	}
	c.Cookie(ck)
}

// bearer returns the token of an Authorization: Bearer header, or "".
func bearer(c *fiber.Ctx) string {
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// errBodyTooLarge is a JSON body beyond maxJSONBody.
var errBodyTooLarge = fiber.NewError(fiber.StatusRequestEntityTooLarge)

// limitBody refuses a non-upload body beyond maxJSONBody.
func limitBody(c *fiber.Ctx, r route) error {
	if !r.upload && len(c.Request().Body()) > maxJSONBody {
		return errBodyTooLarge
	}
	return nil
}

// noStore marks an answer as never to be kept by a browser or proxy:
// every authenticated answer (personal data, reveals).
func noStore(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderPragma, "no-cache")
}

// rootOnly refuses all but the top-level admin (the root of the
// deployment's region tree): county admins get 403.
func (s *Server) rootOnly(c *fiber.Ctx) error {
	tok := bearer(c)
	if tok == "" {
		tok = c.Cookies(sessionCookie)
	}
	if tok == "" {
		return errUnauthorized
	}
	p, err := s.Auth.Session(c.UserContext(), tok)
	if err != nil {
		return err
	}
	if err := s.allow(c.UserContext(), access.TopAdmin, p); err != nil {
		return err
	}
	c.Locals("principal", p)
	noStore(c)
	return c.Next()
}
