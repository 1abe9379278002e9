package httpapi

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"jinhui/services/audit"
	"jinhui/services/recruit"
	"jinhui/services/registry"
	"jinhui/shared/apperr"
	"jinhui/shared/page"
)

// maxPublicBody bounds a public form's body: the form is small, and a
// large body from an anonymous caller is a flood.
const maxPublicBody = 16 << 10

// decodePublic is decode with the public form's tighter size limit.
func (s *Server) decodePublic(c *fiber.Ctx, dst any) error {
	if len(c.Body()) > maxPublicBody {
		return apperr.Field("body", "提交内容过大")
	}
	return s.ck.decode(c, dst)
}

// clientIP is the caller's address for the public form's rate limits:
// c.IP() takes X-Forwarded-For only from the configured trusted proxies
// (JINHUI_TRUSTED_PROXIES), so a client cannot pick its own address.
func clientIP(c *fiber.Ctx) string { return strings.Clone(c.IP()) }

func (s *Server) publicCall(c *fiber.Ctx) error {
	pc, err := s.Recruit.PublicCall(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(pc)
}

func (s *Server) openCalls(c *fiber.Ctx) error {
	items, err := s.Recruit.OpenCalls(c.UserContext(), c.Query("area"), 50)
	if err != nil {
		return err
	}
	return c.JSON(page.Of(items, len(items)))
}

func (s *Server) publicRegions(c *fiber.Ctx) error {
	rs, err := s.Recruit.PublicRegions(c.UserContext(), c.Params("id"), c.Query("parent"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": rs})
}

func (s *Server) callQR(c *fiber.Ctx) error {
	size, _ := strconv.Atoi(c.Query("size"))
	png, err := s.Recruit.QR(c.UserContext(), c.Params("id"), size)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(png)
}

func (s *Server) applyCode(c *fiber.Ctx) error {
	var in recruit.CodeInput
	if err := s.decodePublic(c, &in); err != nil {
		return err
	}
	if err := s.Recruit.RequestCode(c.UserContext(), in, clientIP(c)); err != nil {
		return err
	}
	msg := "验证码已发送, 请查看短信"
	if in.Purpose == "status" {
		msg = "如该手机号有报名记录, 验证码已发送"
	}
	return c.JSON(fiber.Map{"message": msg})
}

func (s *Server) apply(c *fiber.Ctx) error {
	var in recruit.ApplyInput
	if err := s.decodePublic(c, &in); err != nil {
		return err
	}
	a, err := s.Recruit.Apply(c.UserContext(), c.Params("id"), in, clientIP(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(applyResp{ID: a.ID, Status: a.Status, Message: "报名成功, 审核结果将以短信通知"})
}

func (s *Server) applyStatus(c *fiber.Ctx) error {
	var in recruit.StatusInput
	if err := s.decodePublic(c, &in); err != nil {
		return err
	}
	items, err := s.Recruit.Status(c.UserContext(), in, clientIP(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) listCalls(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, recruit.CallSorts...)
	if err != nil {
		return err
	}
	pg, err := s.Recruit.ListCalls(c.UserContext(), principal(c), ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(pg)
}

func (s *Server) createCall(c *fiber.Ctx) error {
	var in recruit.CallInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	call, err := s.Recruit.CreateCall(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(call)
}

func (s *Server) getCall(c *fiber.Ctx) error {
	call, err := s.Recruit.Call(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(call)
}

func (s *Server) updateCall(c *fiber.Ctx) error {
	var in recruit.CallUpdate
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	call, err := s.Recruit.UpdateCall(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(call)
}

func (s *Server) listApplications(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := page.ParseOrder(c.Query("sort"), c.Query("order"), recruit.AppSorts...)
	if err != nil {
		return err
	}
	f := recruit.AppFilter{CallID: c.Query("call"), Area: c.Query("area"), Kind: c.Query("kind"), Status: split(c.Query("status")), Order: ord, Offset: off, Limit: lim}
	pg, err := s.Recruit.ListApplications(c.UserContext(), principal(c), f)
	if err != nil {
		return err
	}
	return c.JSON(pg)
}

func (s *Server) getApplication(c *fiber.Ctx) error {
	a, err := s.Recruit.Application(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (s *Server) reviewApplication(c *fiber.Ctx) error {
	var in recruit.ReviewInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	a, err := s.Recruit.Review(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (s *Server) revealApplication(c *fiber.Ctx) error {
	m, err := s.Recruit.RevealApplication(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *Server) funnel(c *fiber.Ctx) error {
	f, err := s.Recruit.Funnel(c.UserContext(), principal(c), c.Query("call"), c.Query("area"))
	if err != nil {
		return err
	}
	return c.JSON(f)
}

func (s *Server) funnelXLSX(c *fiber.Ctx) error {
	f, err := s.Recruit.Funnel(c.UserContext(), principal(c), c.Query("call"), c.Query("area"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := f.WriteXLSX(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="funnel.xlsx"; filename*=UTF-8''%E6%8B%9B%E5%8B%9F%E6%BC%8F%E6%96%97.xlsx`)
	return c.Send(buf.Bytes())
}

func (s *Server) listPartners(c *fiber.Ctx) error {
	pg, err := sortedPage(c, recruit.PartnerSorts...)
	if err != nil {
		return err
	}
	ps, total, err := s.Recruit.ListPartners(c.UserContext(), principal(c), pg)
	if err != nil {
		return err
	}
	return c.JSON(items(ps, total))
}

func (s *Server) createPartner(c *fiber.Ctx) error {
	var in recruit.PartnerInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	pt, err := s.Recruit.CreatePartner(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	pt.ContactPhone = maskPhone(pt.ContactPhone)
	return c.Status(fiber.StatusCreated).JSON(pt)
}

func (s *Server) getPartner(c *fiber.Ctx) error {
	pt, err := s.Recruit.Partner(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	pt.ContactPhone = maskPhone(pt.ContactPhone)
	return c.JSON(pt)
}

func (s *Server) updatePartner(c *fiber.Ctx) error {
	var in recruit.PartnerUpdate
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	pt, err := s.Recruit.UpdatePartner(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	pt.ContactPhone = maskPhone(pt.ContactPhone)
	return c.JSON(pt)
}

// revealPartner shows a partner's whole contact phone to an organizer who
// may see the partner, and records the view (finding 9).
func (s *Server) revealPartner(c *fiber.Ctx) error {
	ctx, p := c.UserContext(), principal(c)
	pt, err := s.Recruit.Partner(ctx, p, c.Params("id"))
	if err != nil {
		return err
	}
	err = s.Registry.Audit.Record(ctx, audit.Entry{ID: registry.NewID(), At: time.Now(), ActorKind: p.Kind, ActorID: p.ID, ActorName: p.Name,
		Region: p.Region, Action: audit.ActionReveal, ObjectType: "partner", ObjectID: pt.ID, Areas: registry.AreasOf(pt.Region),
		Fields: []string{"contactPhone"}, RequestID: audit.RequestID(ctx)})
	if err != nil {
		return fmt.Errorf("httpapi.revealPartner: %w", err)
	}
	return c.JSON(fiber.Map{"contactPhone": pt.ContactPhone})
}

func (s *Server) listBatches(c *fiber.Ctx) error {
	off, lim, perr := paging(c)
	if perr != nil {
		return perr
	}
	ord, err := sortOrder(c, recruit.BatchSorts...)
	if err != nil {
		return err
	}
	pg, err := s.Recruit.ListBatches(c.UserContext(), principal(c), ord, off, lim)
	if err != nil {
		return err
	}
	return c.JSON(pg)
}

func (s *Server) createBatch(c *fiber.Ctx) error {
	var in recruit.BatchInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	b, err := s.Recruit.CreateBatch(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(b)
}

func (s *Server) getBatch(c *fiber.Ctx) error {
	b, err := s.Recruit.Batch(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (s *Server) inviteBatch(c *fiber.Ctx) error {
	var in recruit.VolunteersInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	b, err := s.Recruit.Invite(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (s *Server) attendBatch(c *fiber.Ctx) error {
	var in recruit.VolunteersInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	b, err := s.Recruit.Attendance(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (s *Server) volunteerTraining(c *fiber.Ctx) error {
	st, err := s.Recruit.Training(c.UserContext(), principal(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) requireTraining(c *fiber.Ctx) error {
	var in requireTrainingReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	r, err := s.Recruit.SetRequireTraining(c.UserContext(), principal(c), c.Params("code"), in.Require)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) handbook(c *fiber.Ctx) error { return c.JSON(recruit.CurrentHandbook) }

func (s *Server) ackHandbook(c *fiber.Ctx) error {
	var in handbookAckReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	st, err := s.Recruit.AckHandbook(c.UserContext(), principal(c), in.Version)
	if err != nil {
		return err
	}
	return c.JSON(st)
}
