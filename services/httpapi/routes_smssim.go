package httpapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"jinhui/services/access"
	"jinhui/shared/apperr"
)

// simulateReq is a reply typed into the outbox's simulator, as the
// recipient of one message would send it.
type simulateReq struct {
	Message string `json:"message" validate:"required,max=200"`
	Body    string `json:"body" validate:"required,max=160"`
}

// smsSimRoutes: where no Twilio account is configured (the embedded
// default), the top admin may answer a message of the outbox as its
// recipient, through the same handling as Twilio's inbound webhook, so the
// elder-confirmation and opt-out loops can be tried without Twilio.
func (s *Server) smsSimRoutes() []route {
	return []route{
		{method: "POST", path: "/api/sms/simulate", tag: "sms", summary: "短信模拟器: 以收信人身份回复发件箱中的短信(1、2、退订; 仅未配置 Twilio 时可用)", who: access.TopAdmin, body: simulateReq{}, h: s.simulateSMS},
	}
}

func (s *Server) simulateSMS(c *fiber.Ctx) error {
	if s.TwilioToken != "" {
		return apperr.New(apperr.Conflict, "已配置 Twilio, 请用真实手机回复")
	}
	var in simulateReq
	if err := s.ck.decode(c, &in); err != nil {
		return err
	}
	m, err := s.SMS.Store.Message(c.UserContext(), in.Message)
	if err != nil {
		return err
	}
	body := strings.TrimSpace(in.Body)
	if body == "" {
		return apperr.Field("body", "请填写回复内容")
	}
	if err := s.receiveSMS(c.UserContext(), "SIM"+uuid.NewString(), m.To, body); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ok": true, "to": maskPhone(m.To), "body": body})
}
