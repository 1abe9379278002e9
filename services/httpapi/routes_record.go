package httpapi

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"jinhui/services/access"
	"jinhui/services/ledger"
	"jinhui/services/record"
	"jinhui/shared/page"
	"jinhui/shared/qr"
)

type recordLines struct {
	Items []record.Line `json:"items"`
	Total int           `json:"total"`
}

// recordRoutes are the national service record (《志愿服务记录与证明出具
// 办法(试行)》): the five parts, corrections, export, and the
// certificate's county settings, notice period and printable page.
func (s *Server) recordRoutes() []route {
	if s.Record == nil {
		return nil
	}
	return []route{
		{method: "GET", path: "/api/me/record", tag: "record", summary: "我的志愿服务记录(基本信息、培训、表彰奖励、评价、更正)", who: access.Volunteer, resp: record.Record{}, h: s.myRecord},
		{method: "GET", path: "/api/me/record/service", tag: "record", summary: "我的服务信息(每次服务: 日期、地点、内容、时长、记录人; 分页)", who: access.Volunteer, query: []string{"offset", "limit"}, resp: recordLines{}, h: s.myServiceLines},
		{method: "POST", path: "/api/me/record/corrections", tag: "record", summary: "申请更正我的志愿服务记录", who: access.Volunteer, body: record.CorrectionInput{}, resp: record.Item{}, h: s.requestCorrection},
		{method: "GET", path: "/api/volunteers/:id/record", tag: "record", summary: "志愿者的志愿服务记录", who: access.StaffOrVolunteer, resp: record.Record{}, h: s.volunteerRecord},
		{method: "GET", path: "/api/volunteers/:id/record/service", tag: "record", summary: "志愿者的服务信息(分页)", who: access.StaffOrVolunteer, query: []string{"offset", "limit"}, resp: recordLines{}, h: s.volunteerServiceLines},
		{method: "POST", path: "/api/volunteers/:id/awards", tag: "record", summary: "登记表彰奖励", who: access.Writer, body: record.AwardInput{}, resp: record.Item{}, h: s.addAward},
		{method: "POST", path: "/api/volunteers/:id/evaluations", tag: "record", summary: "登记评价(优秀/良好/合格/不合格)", who: access.Writer, body: record.EvaluationInput{}, resp: record.Item{}, h: s.addEvaluation},
		{method: "GET", path: "/api/record-corrections", tag: "record", summary: "更正申请列表(本辖区)", who: access.Staff, query: []string{"area", "status", "offset", "limit"}, h: s.listCorrections},
		{method: "POST", path: "/api/record-corrections/:id/accept", tag: "record", summary: "采纳更正申请(追加更正记录, 不改原记录; 服务时长可同时更正)", who: access.Writer, body: record.DecisionInput{}, resp: record.Item{}, h: s.acceptCorrection},
		{method: "POST", path: "/api/record-corrections/:id/refuse", tag: "record", summary: "不予采纳更正申请(须说明理由)", who: access.Writer, body: record.DecisionInput{}, resp: record.Item{}, h: s.refuseCorrection},
		{method: "GET", path: "/api/records/export.xlsx", tag: "record", summary: "按区划和时段导出志愿服务记录(xlsx, 统一字段, 证件号脱敏)", who: access.Staff, query: []string{"area", "from", "to"}, binary: xlsxType, h: s.exportRecords},
		{method: "GET", path: "/api/certificate-settings/:county", tag: "record", summary: "县级志愿服务证明设置(出具单位、负责人、经办人、联系方式、公示天数)", who: access.Staff, resp: ledger.CertSettings{}, h: s.certSettings},
		{method: "PUT", path: "/api/certificate-settings/:county", tag: "record", summary: "设置县级志愿服务证明(公示天数 0–30)", who: access.CountyUp, body: ledger.CertSettings{}, resp: ledger.CertSettings{}, h: s.putCertSettings},
		{method: "POST", path: "/api/certificates/:code/withdraw", tag: "record", summary: "撤销公示中的志愿服务证明(须说明原因)", who: access.Writer, body: ledger.WithdrawInput{}, resp: ledger.Certificate{}, h: s.withdrawCertificate},
		{method: "GET", path: "/api/certificates/:code/print", tag: "record", summary: "志愿服务证明打印页(A4, 全国统一样式, 留盖章处)", who: access.Public, binary: "text/html", h: s.printCertificate},
	}
}

func (s *Server) myRecord(c *fiber.Ctx) error {
	p := principal(c)
	return s.sendRecord(c, p.ID)
}

func (s *Server) volunteerRecord(c *fiber.Ctx) error { return s.sendRecord(c, c.Params("id")) }

func (s *Server) sendRecord(c *fiber.Ctx, id string) error {
	r, err := s.Record.Get(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(r)
}

func (s *Server) myServiceLines(c *fiber.Ctx) error {
	p := principal(c)
	return s.sendLines(c, p.ID)
}

func (s *Server) volunteerServiceLines(c *fiber.Ctx) error { return s.sendLines(c, c.Params("id")) }

func (s *Server) sendLines(c *fiber.Ctx, id string) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	items, n, err := s.Record.ServiceLines(c.UserContext(), principal(c), id, pg)
	if err != nil {
		return err
	}
	return c.JSON(page.Of(items, n))
}

func (s *Server) requestCorrection(c *fiber.Ctx) error {
	var in record.CorrectionInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	it, err := s.Record.RequestCorrection(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(it)
}

func (s *Server) addAward(c *fiber.Ctx) error {
	var in record.AwardInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	it, err := s.Record.AddAward(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(it)
}

func (s *Server) addEvaluation(c *fiber.Ctx) error {
	var in record.EvaluationInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	it, err := s.Record.AddEvaluation(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(it)
}

func (s *Server) listCorrections(c *fiber.Ctx) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	items, n, err := s.Record.Corrections(c.UserContext(), principal(c), c.Query("area"), c.Query("status"), pg)
	if err != nil {
		return err
	}
	return c.JSON(page.Of(items, n))
}

func (s *Server) acceptCorrection(c *fiber.Ctx) error {
	var in record.DecisionInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	it, err := s.Record.Accept(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(it)
}

func (s *Server) refuseCorrection(c *fiber.Ctx) error {
	var in record.DecisionInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	it, err := s.Record.Refuse(c.UserContext(), principal(c), c.Params("id"), in)
	if err != nil {
		return err
	}
	return c.JSON(it)
}

func (s *Server) exportRecords(c *fiber.Ctx) error {
	var buf bytes.Buffer
	in := record.ExportInput{Area: c.Query("area"), From: c.Query("from"), To: c.Query("to")}
	if _, err := s.Record.Export(c.UserContext(), principal(c), in, &buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="service-records.xlsx"`)
	return c.Send(buf.Bytes())
}

func (s *Server) certSettings(c *fiber.Ctx) error {
	cs, err := s.Ledger.Settings(c.UserContext(), principal(c), c.Params("county"))
	if err != nil {
		return err
	}
	return c.JSON(cs)
}

func (s *Server) putCertSettings(c *fiber.Ctx) error {
	var in ledger.CertSettings
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	cs, err := s.Ledger.PutSettings(c.UserContext(), principal(c), c.Params("county"), in)
	if err != nil {
		return err
	}
	return c.JSON(cs)
}

func (s *Server) withdrawCertificate(c *fiber.Ctx) error {
	var in ledger.WithdrawInput
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	cert, err := s.Ledger.Withdraw(c.UserContext(), principal(c), c.Params("code"), in)
	if err != nil {
		return err
	}
	return c.JSON(cert)
}

func (s *Server) printCertificate(c *fiber.Ctx) error {
	cert, err := s.Ledger.Verify(c.UserContext(), c.Params("code"))
	if err != nil {
		return err
	}
	u := s.verifyURL(c, cert.Code)
	png, err := qr.PNG(u, 256)
	if err != nil {
		return fmt.Errorf("httpapi.printCertificate: %w", err)
	}
	page, err := ledger.CertificatePage(cert, u, png)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, "text/html; charset=utf-8")
	return c.Send(page)
}
