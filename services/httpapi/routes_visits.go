package httpapi

import (
	"context"

	"github.com/gofiber/fiber/v2"
	twclient "github.com/twilio/twilio-go/client"

	"jinhui/services/access"
	"jinhui/services/jobs"
	"jinhui/services/notify"
	"jinhui/services/visit"
	"jinhui/shared/apperr"
)

type planReq struct {
	Area  string `json:"area,omitempty" validate:"max=12"`
	Month string `json:"month" validate:"required,datetime=2006-01"`
}

type templateReq struct {
	Text string `json:"text" validate:"required,max=600"`
}

// visitRoutes are the visit, reminder and SMS routes (rules S1–S5).
func (s *Server) visitRoutes() []route {
	return []route{
		{method: "POST", path: "/api/visits/plan", tag: "visits", summary: "制定(补齐)某月探访计划(S1); background=1 时在后台运行, 返回 202 与任务", who: access.Writer, query: []string{"background"}, body: planReq{}, resp: visit.PlanResult{}, accepted: jobs.Job{}, h: s.planVisits},
		{method: "GET", path: "/api/visits", tag: "visits", summary: "探访列表", who: access.Staff, query: []string{"area", "month", "status", "elder", "review", "sort", "order", "offset", "limit"}, h: s.listVisits},
		{method: "GET", path: "/api/visits/alerts", tag: "visits", summary: "探访逾期与志愿者反映的问题", who: access.Staff, query: []string{"sort", "order", "offset", "limit"}, h: s.visitAlerts},
		{method: "GET", path: "/api/visits/settings/:county", tag: "visits", summary: "县级探访设置(次数、清单、距离)", who: access.Staff, resp: visit.Settings{}, h: s.visitSettings},
		{method: "PUT", path: "/api/visits/settings/:county", tag: "visits", summary: "修改县级探访设置(S3、S4)", who: access.CountyUp, body: visit.Settings{}, resp: visit.Settings{}, h: s.putVisitSettings},
		{method: "GET", path: "/api/me/visits", tag: "visits", summary: "我的探访安排(老人、村、日期、搭档、清单)", who: access.Volunteer, h: s.mySchedule},
		{method: "GET", path: "/api/visits/:id", tag: "visits", summary: "探访详情", who: access.StaffOrVolunteer, resp: visit.Visit{}, h: s.getVisit},
		{method: "POST", path: "/api/visits/:id/checkin", tag: "visits", summary: "签到(可离线后补传, 同一 key 只记一次)", who: access.Volunteer, body: visit.CheckInInput{}, resp: visit.Visit{}, h: s.checkIn},
		{method: "POST", path: "/api/visits/:id/checkout", tag: "visits", summary: "签退与服务清单(S2–S5)", who: access.Volunteer, body: visit.CheckOutInput{}, resp: visit.Visit{}, h: s.checkOut},
		{method: "POST", path: "/api/visits/:id/review", tag: "visits", summary: "审核补传时间的探访: 通过后服务时长计入台账, 不通过则不计入(须说明)", who: access.Writer, body: visit.ReviewInput{}, resp: visit.Visit{}, h: s.reviewVisit},
		{method: "POST", path: "/api/visits/:id/date", tag: "visits", summary: "改到本月另一天", who: access.Volunteer, body: visit.DateInput{}, resp: visit.Visit{}, h: s.visitDate},
		{method: "POST", path: "/api/visits/:id/swap", tag: "visits", summary: "与搭档交换探访", who: access.Volunteer, body: visit.SwapInput{}, resp: visit.Visit{}, h: s.visitSwap},
		{method: "POST", path: "/api/visits/:id/giveback", tag: "visits", summary: "退回探访, 请搭档接手", who: access.Volunteer, body: visit.ReasonInput{}, resp: visit.Visit{}, h: s.visitGiveBack},
		{method: "POST", path: "/api/visits/:id/take", tag: "visits", summary: "搭档接手被退回或逾期的探访", who: access.Volunteer, body: visit.ReasonInput{}, resp: visit.Visit{}, h: s.visitTake},

		{method: "GET", path: "/api/sms/templates", tag: "sms", summary: "短信模板", who: access.Admin, h: s.listTemplates},
		{method: "PUT", path: "/api/sms/templates/:key", tag: "sms", summary: "修改短信模板", who: access.TopAdmin, body: templateReq{}, resp: notify.Template{}, h: s.putTemplate},
		{method: "GET", path: "/api/sms/inbound", tag: "sms", summary: "收到的短信回复(含退订)", who: access.TopAdmin, query: []string{"sort", "order", "offset", "limit"}, h: s.listInbound},
		{method: "POST", path: "/api/sms/twilio/status", tag: "sms", summary: "Twilio 状态回调(校验签名)", who: access.TwilioCallback, h: s.twilioStatus},
		{method: "POST", path: "/api/sms/twilio/inbound", tag: "sms", summary: "Twilio 收到短信回调(校验签名)", who: access.TwilioCallback, h: s.twilioInbound},
	}
}

// twilioVerified checks a webhook's X-Twilio-Signature against the public
// URL it was sent to (JINHUI_PUBLIC_URL: never the Host header a client
// chose) and returns its form parameters.
func (s *Server) twilioVerified(c *fiber.Ctx) (map[string]string, error) {
	if s.TwilioToken == "" {
		return nil, apperr.New(apperr.NotFound, "未配置 Twilio")
	}
	params := map[string]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) { params[string(k)] = string(v) })
	rv := twclient.NewRequestValidator(s.TwilioToken)
	if !rv.Validate(s.PublicURL+c.OriginalURL(), params, c.Get("X-Twilio-Signature")) {
		return nil, apperr.New(apperr.Forbidden, "签名无效")
	}
	return params, nil
}

func (s *Server) twilioStatus(c *fiber.Ctx) error {
	params, err := s.twilioVerified(c)
	if err != nil {
		return err
	}
	if params["MessageSid"] == "" {
		return apperr.Field("MessageSid", "缺少 MessageSid")
	}
	if err := s.SMS.StatusCallback(c.UserContext(), params["MessageSid"], params["MessageStatus"], params["ErrorCode"]); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) twilioInbound(c *fiber.Ctx) error {
	params, err := s.twilioVerified(c)
	if err != nil {
		return err
	}
	if params["MessageSid"] == "" || params["From"] == "" {
		return apperr.Field("MessageSid", "缺少 MessageSid 或 From")
	}
	if err := s.receiveSMS(c.UserContext(), params["MessageSid"], params["From"], params["Body"]); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/xml")
	return c.SendString("<Response></Response>")
}

// receiveSMS handles one reply received by SMS, whether Twilio posted it or
// the outbox's simulator did: stored (退订 honoured), then offered to the
// supervision check (the elder's side confirming a visit, rule Q1) and to
// the family loop (consent, 退订 or a concern).
func (s *Server) receiveSMS(ctx context.Context, sid, from, body string) error {
	if _, err := s.SMS.Receive(ctx, sid, from, body); err != nil {
		return err
	}
	answered, err := s.Supervise.Reply(ctx, sid, from, body)
	if err != nil {
		return err // nil-safe
	}
	if s.Family != nil {
		if _, err := s.Family.Reply(ctx, sid, from, body, answered); err != nil {
			return err
		}
	}
	return nil
}
