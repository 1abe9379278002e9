package httpapi

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"jinhui/services/jobs"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"jinhui/services/carer"
	"jinhui/services/ledger"
	"jinhui/services/stats"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
	"jinhui/shared/qr"
)

func (s *Server) ledgerEntries(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, ledger.Sorts...)
	if err != nil {
		return err
	}
	items, total, err := s.Ledger.Entries(c.UserContext(), principal(c), ledger.Filter{Area: c.Query("area"), Volunteer: c.Query("volunteer"),
		Month: c.Query("month"), Order: ord, Offset: off, Limit: lim})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items, "total": total})
}

func (s *Server) ledgerHonour(c *fiber.Ctx) error {
	var in ledger.HonourInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	// The client's idempotency key is scoped to the volunteer (whom the
	// ledger checks the caller may reach), so a key used in another
	// county never answers with that county's entry (finding 4).
	p := principal(c)
	in.Key = in.Volunteer + "/" + in.Key
	e, err := s.Ledger.AddHonour(c.UserContext(), p, in)
	if err != nil {
		return err
	}
	if !p.Sees(e.Areas) || e.Volunteer != in.Volunteer {
		return apperr.New(apperr.NotFound, "志愿者不存在")
	}
	return c.JSON(e)
}

func (s *Server) ledgerCorrect(c *fiber.Ctx) error {
	var in ledger.CorrectInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	// Honour entries' ids hold a slash ("honour:<volunteer>/<key>"), which
	// the console sends percent-encoded as one path segment.
	id, err := url.PathUnescape(c.Params("id"))
	if err != nil {
		return apperr.Field("id", "记录编号无效")
	}
	out, err := s.Ledger.Correct(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) ledgerRebuild(c *fiber.Ctx) error {
	if bg, err := background(c); err != nil {
		return err
	} else if bg {
		return s.startJob(c, jobs.Input{Kind: jobs.KindLedgerRebuild, Area: principal(c).Region})
	}
	res, err := s.Ledger.Rebuild(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) volunteerHours(c *fiber.Ctx) error {
	h, err := s.Ledger.VolunteerHours(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(h)
}

func (s *Server) myHours(c *fiber.Ctx) error {
	p := principal(c)
	h, err := s.Ledger.VolunteerHours(c.UserContext(), p, p.ID)
	if err != nil {
		return err
	}
	return c.JSON(h)
}

// verifyURL is the public address that verifies a certificate, printed on
// it and in its QR code. It is the configured public URL; while that is
// still a loopback address (JINHUI_PUBLIC_URL left at its default), no
// phone could open it, so the address the request came to is used.
func (s *Server) verifyURL(c *fiber.Ctx, code string) string {
	base := s.PublicURL
	if u, err := url.Parse(base); base == "" || err != nil || isLoopback(u.Hostname()) {
		base = c.BaseURL()
	}
	return strings.TrimRight(base, "/") + "/verify.html?code=" + url.QueryEscape(code)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) issueCertificate(c *fiber.Ctx) error {
	p := principal(c)
	var in ledger.CertificateInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	cert, err := s.Ledger.Issue(c.UserContext(), p, p.ID, in)
	if err != nil {
		return err
	}
	u := s.verifyURL(c, cert.Code)
	png, err := qr.PNG(u, 256)
	if err != nil {
		return fmt.Errorf("httpapi.issueCertificate: %w", err)
	}
	return c.JSON(certResp{Certificate: cert, URL: u, QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)})
}

func (s *Server) verifyCertificate(c *fiber.Ctx) error {
	cert, err := s.Ledger.Verify(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(cert)
}

func (s *Server) certificateQR(c *fiber.Ctx) error {
	cert, err := s.Ledger.Verify(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	png, err := qr.PNG(s.verifyURL(c, cert.Code), 256)
	if err != nil {
		return fmt.Errorf("httpapi.certificateQR: %w", err)
	}
	c.Set(fiber.HeaderContentType, "image/png")
	return c.Send(png)
}

func (s *Server) carerRoster(c *fiber.Ctx) error {
	pg, err := sortedPage(c, carer.RosterSorts...)
	if err != nil {
		return err
	}
	items, n, err := s.Carers.Roster(c.UserContext(), principal(c), c.Query("area"), pg)
	if err != nil {
		return err
	}
	return c.JSON(page.Of(items, n))
}

func (s *Server) addRoster(c *fiber.Ctx) error {
	var in carer.RosterInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	a, err := s.Carers.AddToRoster(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (s *Server) leaveRoster(c *fiber.Ctx) error {
	var in carer.LeaveInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	a, err := s.Carers.Leave(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (s *Server) carerLogs(c *fiber.Ctx) error {
	pg, err := sortedPage(c, carer.LogSorts...)
	if err != nil {
		return err
	}
	items, n, err := s.Carers.Logs(c.UserContext(), principal(c), c.Query("area"), c.Query("month"), pg)
	if err != nil {
		return err
	}
	return c.JSON(page.Of(items, n))
}

func (s *Server) addCarerLog(c *fiber.Ctx) error {
	var in carer.LogInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	l, err := s.Carers.AddLog(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (s *Server) carerRule(c *fiber.Ctx) error {
	r, err := s.Carers.Rule(c.UserContext(), principal(c), c.Params("county"))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) putCarerRule(c *fiber.Ctx) error {
	var in carer.Rule
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	r, err := s.Carers.PutRule(c.UserContext(), principal(c), c.Params("county"), in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) computeStatements(c *fiber.Ctx) error {
	var in carer.ComputeInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	items, err := s.Carers.Compute(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) listStatements(c *fiber.Ctx) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	items, n, err := s.Carers.Statements(c.UserContext(), principal(c), c.Query("area"), c.Query("month"), pg)
	if err != nil {
		return err
	}
	return c.JSON(page.Of(items, n))
}

func (s *Server) carerPreview(c *fiber.Ctx) error {
	month := c.Query("month")
	if month != "" {
		if _, err := time.Parse("2006-01", month); err != nil {
			return apperr.Field("month", "月份格式应为 2026-01")
		}
	}
	pv, err := s.Carers.Preview(c.UserContext(), principal(c), month)
	if err != nil {
		return err
	}
	return c.JSON(pv)
}

func (s *Server) approveStatement(c *fiber.Ctx) error {
	var in carer.ApproveInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	st, err := s.Carers.Approve(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// paymentList writes the finance office's payment list (rule C3): one
// row per approved statement and a total row.
func (s *Server) paymentList(c *fiber.Ctx) error {
	var buf bytes.Buffer
	if err := s.Carers.PaymentSheet(c.UserContext(), principal(c), c.Query("area"), c.Query("month"), &buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="carer-payments.xlsx"`)
	return c.Send(buf.Bytes())
}

func figuresQuery(c *fiber.Ctx) stats.Query {
	return stats.Query{Area: c.Query("area"), From: c.Query("from"), To: c.Query("to")}
}

func (s *Server) figures(c *fiber.Ctx) error {
	r, err := s.Stats.Report(c.UserContext(), principal(c), figuresQuery(c))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) dashboard(c *fiber.Ctx) error {
	d, err := s.Stats.Dashboard(c.UserContext(), principal(c), figuresQuery(c))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) exportFigures(c *fiber.Ctx) error {
	b, _, err := s.Stats.Export(c.UserContext(), principal(c), figuresQuery(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="figures.xlsx"`)
	return c.Send(b)
}
